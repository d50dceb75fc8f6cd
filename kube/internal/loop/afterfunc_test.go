package loop_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// plainClock hides the fake clock's AfterFunc: a clock.Clock only.
type plainClock struct{ clock.Clock }

// A clock without AfterFunc gets a goroutine per timer: a due timer still
// fires onto the queue, a forgotten one never does, and Stop leaves no
// goroutine behind.
func TestTimersOnAClockWithoutAfterFunc(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	fake := clocktesting.NewFakeClock(time.Unix(0, 0))
	q := informer.NewQueue()
	tm := loop.NewTimers[string](q, "retry", plainClock{fake})
	tm.AddAfter("a", time.Second)
	tm.AddAfter("b", time.Second)
	tm.Forget("b")
	tm.AddAfter("c", time.Hour)
	for !fake.HasWaiters() { // the goroutines wait on their timers
		time.Sleep(time.Millisecond)
	}
	fake.Step(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	items, err := q.Next(ctx, nil)
	if err != nil || len(items) != 1 {
		t.Fatalf("Next = %v, %v; want a's fire", items, err)
	}
	if k, ok := tm.Fired(items[0]); !ok || k != "a" {
		t.Fatalf("Fired = %q, %v; want a", k, ok)
	}
	if tm.Len() != 1 {
		t.Fatalf("Len = %d, want 1 (c)", tm.Len())
	}
	tm.Stop()
	if tm.Len() != 0 || q.Len() != 0 {
		t.Fatalf("after Stop: Len %d, queued %d", tm.Len(), q.Len())
	}
}
