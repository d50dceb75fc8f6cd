package loop

import (
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/meshstate/meshstate/kube/internal/informer"
)

// Timers is a set of timers keyed by a comparable key, in client-go
// workqueue's words: AddAfter arms a key's timer, Forget cancels it, Len
// counts the keys pending. A due timer does not run anything itself: it
// pushes an informer.Item{Source: source} onto the queue, so the adapter's
// single loop goroutine handles it in order with everything else, and
// Fired tells that goroutine which key is due.
//
// A key has at most one timer: a newer AddAfter supersedes the pending
// one, and a superseded or forgotten timer never reports through Fired,
// even if it had already fired onto the queue. That is the retry contract
// of the design (principle 9): a retry carries a key, never a payload;
// when it is due the machine decides from what it holds now.
//
// Timers is safe for concurrent use; its callbacks touch only the queue.
type Timers[K comparable] struct {
	q      *informer.Queue
	source string
	clk    clock.Clock

	mu      sync.Mutex
	pending map[K]uint64 // key -> generation of its current timer
	timers  map[K]clock.Timer
	gen     uint64
	stopped bool
	wg      sync.WaitGroup // one per armed timer, so Stop waits for callbacks
}

// fire is the Obj of a timer's item: which key, and which of its timers.
type fire[K comparable] struct {
	key K
	gen uint64
}

// NewTimers returns an empty set whose timers push items named source
// onto q. A nil clk is the real clock.
func NewTimers[K comparable](q *informer.Queue, source string, clk clock.Clock) *Timers[K] {
	if clk == nil {
		clk = clock.RealClock{}
	}
	return &Timers[K]{q: q, source: source, clk: clk, pending: map[K]uint64{}, timers: map[K]clock.Timer{}}
}

// AddAfter arms key's timer to fire after d, superseding any pending timer
// of key. A d of zero or less fires at once (onto the queue). After Stop
// it does nothing.
func (t *Timers[K]) AddAfter(key K, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	t.disarm(key)
	t.gen++
	t.pending[key] = t.gen
	it := informer.Item{Source: t.source, Obj: fire[K]{key: key, gen: t.gen}}
	if d <= 0 {
		t.q.Push(it)
		return
	}
	t.wg.Add(1)
	t.timers[key] = afterFunc(t.clk, d, func() {
		defer t.wg.Done()
		t.q.Push(it)
	}, t.wg.Done)
}

// Forget cancels key's timer; a fire of it already on the queue is then
// ignored by Fired.
func (t *Timers[K]) Forget(key K) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.disarm(key)
	delete(t.pending, key)
}

// Len returns how many keys are pending: armed, or fired and not yet
// taken by Fired.
func (t *Timers[K]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pending)
}

// Fired reports, for an item this set pushed, its key, if it is the
// current timer of that key (neither superseded nor forgotten since it was
// armed); the key is then no longer pending. For any other item, including
// those of other sources, it returns false.
func (t *Timers[K]) Fired(it informer.Item) (K, bool) {
	f, ok := it.Obj.(fire[K])
	if !ok || it.Source != t.source {
		var zero K
		return zero, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.pending[f.key]; !ok || g != f.gen {
		var zero K
		return zero, false
	}
	delete(t.pending, f.key)
	delete(t.timers, f.key)
	return f.key, true
}

// Stop stops every timer and waits for the callbacks already running, so
// no goroutine of the set outlives it. Pending keys are dropped; the set
// arms nothing afterwards.
func (t *Timers[K]) Stop() {
	t.mu.Lock()
	t.stopped = true
	for k := range t.timers {
		t.disarm(k)
	}
	clear(t.pending)
	t.mu.Unlock()
	t.wg.Wait()
}

// disarm stops key's armed timer. A timer that has already fired accounts
// for itself in its callback. t.mu is held.
func (t *Timers[K]) disarm(key K) {
	if tm, ok := t.timers[key]; ok {
		if tm.Stop() {
			t.wg.Done()
		}
		delete(t.timers, key)
	}
}
