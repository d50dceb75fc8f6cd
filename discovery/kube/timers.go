package kube

import (
	"sync"
	"time"

	"github.com/meshstate/meshstate/internal/informer"
)

// timerSource is the informer.Item source of a fired retry timer.
const timerSource = "retry"

// firing is the Obj of a fired timer's item: its key and generation, so
// that a timer superseded after it fired is recognised and dropped.
type firing[K comparable] struct {
	key K
	gen uint64
}

// timers schedules the machines' RetryAfter effects, one timer per key,
// in the words of client-go's workqueue (AddAfter, Forget, Len). A fired
// timer is pushed onto the adapter's queue, so that the loop handles it on
// its own goroutine, in order with the informers' items. Only the loop
// calls its methods; the callbacks touch nothing but the queue.
//
// It has the API of internal/loop's Timers, which replaces it once that
// package lands.
type timers[K comparable] struct {
	q       *informer.Queue
	source  string
	pending map[K]*pendingTimer
	gen     uint64
	wg      sync.WaitGroup // one per armed timer, so that Stop waits for the callbacks
}

type pendingTimer struct {
	timer *time.Timer
	gen   uint64
}

func newTimers[K comparable](q *informer.Queue, source string) *timers[K] {
	return &timers[K]{q: q, source: source, pending: map[K]*pendingTimer{}}
}

// AddAfter arms key's timer to fire after d, replacing any pending one.
func (t *timers[K]) AddAfter(key K, d time.Duration) {
	t.Forget(key)
	t.gen++
	p := &pendingTimer{gen: t.gen}
	t.pending[key] = p
	item := informer.Item{Source: t.source, Op: informer.Upsert, Obj: firing[K]{key: key, gen: p.gen}}
	t.wg.Add(1)
	p.timer = time.AfterFunc(d, func() {
		defer t.wg.Done()
		t.q.Push(item)
	})
}

// Forget drops key's pending timer, if any.
func (t *timers[K]) Forget(key K) {
	if p := t.pending[key]; p != nil {
		if p.timer.Stop() {
			t.wg.Done()
		}
		delete(t.pending, key)
	}
}

// Len counts the pending timers.
func (t *timers[K]) Len() int { return len(t.pending) }

// Fired returns the key of it if it is the firing of key's current timer,
// and forgets that timer; a superseded or forgotten timer's item, or any
// other item, gives false.
func (t *timers[K]) Fired(it informer.Item) (K, bool) {
	f, ok := it.Obj.(firing[K])
	if !ok || it.Source != t.source {
		var zero K
		return zero, false
	}
	if p := t.pending[f.key]; p == nil || p.gen != f.gen {
		return f.key, false
	}
	delete(t.pending, f.key)
	return f.key, true
}

// Stop stops every timer and waits for the callbacks already running.
func (t *timers[K]) Stop() {
	for key := range t.pending {
		t.Forget(key)
	}
	t.wg.Wait()
}
