package loop_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"
	clocktesting "k8s.io/utils/clock/testing"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// armed is the model of one key's timer.
type armed struct {
	due     time.Time
	attempt int  // the retry attempt this timer is for
	fired   bool // pushed onto the queue, not yet taken
}

// Timers against a model, on a fake clock, driven the way an adapter
// drives them: a toy machine applies a key, the apply fails at random and
// the machine asks for a retry (AddAfter) with a growing delay; newer
// decisions (AddAfter again) supersede, successes and deletes Forget.
// Fired reports exactly the keys whose current timer is due, once each; a
// superseded or forgotten timer never reports, even when its fire was
// already queued; each key's retries report in attempt order; Len is the
// model's count; nothing leaks after Stop.
func TestTimersProperty(t *testing.T) {
	defer goleak.VerifyNone(t)
	rapid.Check(t, func(t *rapid.T) {
		clk := clocktesting.NewFakeClock(time.Unix(0, 0))
		q := informer.NewQueue()
		tm := loop.NewTimers[int](q, "retry", clk)
		defer tm.Stop()
		model := map[int]*armed{}
		attempts := map[int]int{} // the machine's attempt count per key
		fail := rapid.Float64Range(0, 1).Draw(t, "failure rate")
		key := rapid.IntRange(0, 5)

		schedule := func(k int, d time.Duration) {
			attempts[k]++
			model[k] = &armed{due: clk.Now().Add(d), attempt: attempts[k], fired: d <= 0}
			tm.AddAfter(k, d)
		}
		for range rapid.IntRange(0, 80).Draw(t, "steps") {
			switch rapid.IntRange(0, 4).Draw(t, "op") {
			case 0: // a new decision for k supersedes its pending retry
				k := key.Draw(t, "key")
				schedule(k, time.Duration(rapid.IntRange(-1, 20).Draw(t, "delay"))*time.Second)
			case 1: // k succeeded or is gone
				k := key.Draw(t, "key")
				tm.Forget(k)
				delete(model, k)
				attempts[k] = 0
			case 2:
				clk.Step(time.Duration(rapid.IntRange(0, 10).Draw(t, "step")) * time.Second)
				for _, a := range model {
					if !a.due.After(clk.Now()) {
						a.fired = true
					}
				}
			default: // the loop takes what is queued
				var items []informer.Item
				if q.Len() > 0 { // Next blocks on an empty queue
					items, _ = q.Next(context.Background(), nil)
				}
				for _, it := range items {
					k, ok := tm.Fired(it)
					if !ok {
						continue
					}
					a := model[k]
					if a == nil || !a.fired {
						t.Fatalf("key %d fired, but the model has %+v", k, a)
					}
					if a.attempt != attempts[k] {
						t.Fatalf("key %d fired attempt %d, the latest is %d", k, a.attempt, attempts[k])
					}
					delete(model, k)
					if rapid.Float64Range(0, 1).Draw(t, "apply") < fail {
						schedule(k, time.Duration(attempts[k])*time.Second)
					} else {
						attempts[k] = 0
					}
				}
				for k, a := range model {
					if a.fired {
						t.Fatalf("key %d's current timer fired but was not reported", k)
					}
				}
			}
			if tm.Len() != len(model) {
				t.Fatalf("Len = %d, model has %d", tm.Len(), len(model))
			}
		}
	})
}
