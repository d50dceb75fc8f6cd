package dispatch

import (
	"sync"

	"github.com/meshstate/meshstate/endpoint"
)

// queue is one handler's FIFO. It is unbounded so that Enqueue, called from
// an informer's event handler, never blocks behind a failing handler; it
// grows only with the endpoint changes that happen while its handler fails.
// A single consumer (the handler's worker) reads it.
type queue struct {
	mu    sync.Mutex
	items []endpoint.Effect
	// wake holds at most one signal: a push while the worker is busy leaves
	// one behind for its next wait, and a push never blocks.
	wake chan struct{}
}

func newQueue() *queue { return &queue{wake: make(chan struct{}, 1)} }

func (q *queue) push(ns []endpoint.Effect) {
	q.mu.Lock()
	q.items = append(q.items, ns...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// peek returns the oldest notification without removing it, so that Pending
// counts a notification until its handler has accepted it.
func (q *queue) peek() (endpoint.Effect, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return endpoint.Effect{}, false
	}
	return q.items[0], true
}

func (q *queue) pop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	// Clear the slot: the backing array outlives the reslice, and its
	// endpoint would otherwise stay reachable.
	q.items[0] = endpoint.Effect{}
	q.items = q.items[1:]
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
