package informer

import (
	"context"
	"sync"
)

// Queue is an unbounded FIFO of items: informers never block on a slow
// adapter, and nothing is dropped. It is safe for concurrent use.
type Queue struct {
	mu     sync.Mutex
	items  []Item
	signal chan struct{} // holds one token while items are pending
}

// NewQueue returns an empty queue.
func NewQueue() *Queue { return &Queue{signal: make(chan struct{}, 1)} }

// Push appends it.
func (q *Queue) Push(it Item) {
	q.mu.Lock()
	q.items = append(q.items, it)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// PushAll appends items as one run: a Next that returns any of them
// returns all of them, in order, so an adapter steps them in one batch (a
// relist's items, say) and applies their effects once.
func (q *Queue) PushAll(items ...Item) {
	if len(items) == 0 {
		return
	}
	q.mu.Lock()
	q.items = append(q.items, items...)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// Next waits until items are pending, then appends all of them to dst, in
// order, and returns it; it returns dst and ctx's error once ctx is done.
// Taking everything pending at once lets an adapter step a burst and apply
// its effects in one pass.
func (q *Queue) Next(ctx context.Context, dst []Item) ([]Item, error) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			dst = append(dst, q.items...)
			clear(q.items)
			q.items = q.items[:0]
			q.mu.Unlock()
			return dst, nil
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return dst, ctx.Err()
		case <-q.signal:
		}
	}
}

// Len returns how many items are pending.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
