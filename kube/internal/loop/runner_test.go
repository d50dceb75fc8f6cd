package loop_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// standalone starts and stops one informer, as a factory does.
type standalone struct {
	inf cache.SharedIndexInformer
	wg  sync.WaitGroup
}

func (s *standalone) Start(stop <-chan struct{}) { s.wg.Go(func() { s.inf.Run(stop) }) }
func (s *standalone) Shutdown()                  { s.wg.Wait() }

// behaviour is how a test source's API server answers.
type behaviour int

const (
	listFails   behaviour = iota // every list fails
	watchCloses                  // lists work, every watch ends at once
	watchFails                   // lists work, every watch fails
)

// source is an informer of ConfigMaps whose list holds n objects and whose
// list or watch fails or ends as b says.
func source(b behaviour, n int) cache.SharedIndexInformer {
	lw := &cache.ListWatch{
		ListWithContextFunc: func(context.Context, metav1.ListOptions) (runtime.Object, error) {
			if b == listFails {
				return nil, errors.New("list refused")
			}
			l := &corev1.ConfigMapList{ListMeta: metav1.ListMeta{ResourceVersion: "1"}}
			for i := range n {
				l.Items = append(l.Items, corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
					Namespace: "ns", Name: string(rune('a' + i)), ResourceVersion: "1"}})
			}
			return l, nil
		},
		WatchFuncWithContext: func(context.Context, metav1.ListOptions) (watch.Interface, error) {
			if b == watchFails {
				return nil, errors.New("watch refused")
			}
			return watch.NewEmptyWatch(), nil
		},
	}
	return cache.NewSharedIndexInformer(lw, &corev1.ConfigMap{}, 0, cache.Indexers{})
}

// The runtime under sources that fail or end, a worker that pushes then
// closes (or fails), and retries that fail at random on a fake clock:
// items of one producer are handled in the order pushed; a superseded
// retry never reaches the handler; Run does not return before its context
// ends, whatever its sources and workers do, and returns promptly after,
// with the workers' errors; nothing leaks.
func TestRunProperty(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rapid.Check(t, func(t *rapid.T) {
		var srcs []loop.Source
		var facs []loop.Factory
		for i := range rapid.IntRange(0, 2).Draw(t, "sources") {
			inf := source(behaviour(rapid.IntRange(0, 2).Draw(t, "behaviour")), rapid.IntRange(0, 3).Draw(t, "objects"))
			srcs = append(srcs, loop.Source{Name: string(rune('s' + i)), Informer: inf})
			facs = append(facs, &standalone{inf: inf})
		}
		r, err := loop.New(loop.Config{Sources: srcs, Factories: facs})
		if err != nil {
			t.Fatal(err)
		}
		clk := clocktesting.NewFakeClock(time.Unix(0, 0))
		tm := loop.NewTimers[int](r.Queue(), "retry", clk)
		_ = r.OnStop(tm.Stop)

		pushes := rapid.IntRange(0, 20).Draw(t, "worker pushes")
		workerErr := rapid.SampledFrom([]error{nil, errors.New("worker failed")}).Draw(t, "worker error")
		pushed := make(chan struct{})
		_ = r.Go(func(ctx context.Context) error {
			defer close(pushed)
			for i := range pushes {
				r.Queue().Push(informer.Item{Source: "worker", Obj: i})
			}
			return workerErr // a closed producer: Run goes on
		})

		fail := rapid.Float64Range(0, 1).Draw(t, "failure rate")
		applies := rapid.SliceOfN(rapid.Float64Range(0, 1), 64, 64).Draw(t, "applies")
		var (
			mu      sync.Mutex
			next    int              // the next worker item expected
			armed   = map[int]bool{} // keys with a retry scheduled and not yet fired
			applied int
			barrier = make(chan struct{}, 1)
			bad     []string
		)
		schedule := func(k int, d time.Duration) { // mu held
			armed[k] = true
			tm.AddAfter(k, d)
		}
		handle := func(it informer.Item) {
			mu.Lock()
			defer mu.Unlock()
			if k, ok := tm.Fired(it); ok {
				if !armed[k] {
					bad = append(bad, "a superseded or spent retry fired")
				}
				delete(armed, k)
				applied++
				if applies[applied%len(applies)] < fail {
					schedule(k, time.Second)
				}
				return
			}
			switch it.Source {
			case "worker":
				if it.Obj.(int) != next {
					bad = append(bad, "worker items out of order")
				}
				next++
			case "barrier":
				barrier <- struct{}{}
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx, handle, func(context.Context) {}) }()
		ended := false
		defer func() { // a failed check still leaves nothing running
			cancel()
			if !ended {
				<-done
			}
		}()
		settle := func() {
			r.Queue().Push(informer.Item{Source: "barrier"})
			select {
			case <-barrier:
			case err := <-done:
				ended = true
				t.Fatalf("Run returned before its context ended: %v", err)
			case <-time.After(10 * time.Second):
				t.Fatal("the loop did not handle the barrier within 10s")
			}
		}

		for range rapid.IntRange(0, 20).Draw(t, "steps") {
			if rapid.Bool().Draw(t, "schedule") {
				mu.Lock()
				schedule(rapid.IntRange(0, 3).Draw(t, "key"), time.Duration(rapid.IntRange(0, 3).Draw(t, "delay"))*time.Second)
				mu.Unlock()
			} else {
				clk.Step(time.Second)
			}
			settle()
		}
		<-pushed
		settle()
		mu.Lock()
		if next != pushes {
			bad = append(bad, "worker items lost")
		}
		mu.Unlock()
		if len(bad) > 0 {
			t.Fatal(bad)
		}
		select {
		case err := <-done:
			ended = true
			t.Fatalf("Run returned before its context ended: %v", err)
		default:
		}
		cancel()
		select {
		case err := <-done:
			ended = true
			if !errors.Is(err, workerErr) || (workerErr == nil) != (err == nil) {
				t.Fatalf("Run = %v, want the worker's error %v", err, workerErr)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return within 10s of its context ending")
		}
		if tm.Len() != 0 {
			t.Fatalf("timers pending after Run: %d", tm.Len())
		}
	})
}
