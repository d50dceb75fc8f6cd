package kernel

import (
	"container/heap"
	"time"

	"github.com/meshstate/meshstate/routes"
)

// retryQueue holds the RetryAfter operations by due time, earliest
// first. A retry carries its target's key only in effect: when due it is
// stepped as RetryDue and the machine decides from what it holds now, so
// a stale one (superseded, resolved, or fired early by an event) costs a
// map lookup and nothing else.
type retryQueue []pendingRetry

type pendingRetry struct {
	due time.Time
	op  routes.Effect
}

func (q retryQueue) Len() int           { return len(q) }
func (q retryQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q retryQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *retryQueue) Push(x any)        { *q = append(*q, x.(pendingRetry)) }
func (q *retryQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	old[len(old)-1] = pendingRetry{}
	*q = old[:len(old)-1]
	return x
}

func (q *retryQueue) push(due time.Time, op routes.Effect) {
	heap.Push(q, pendingRetry{due: due, op: op})
}

// popDue removes and returns the retries due at now, or all of them if
// all is set (an event that can make them succeed has happened).
func (q *retryQueue) popDue(now time.Time, all bool) []routes.Effect {
	var out []routes.Effect
	for q.Len() > 0 && (all || !(*q)[0].due.After(now)) {
		out = append(out, heap.Pop(q).(pendingRetry).op)
	}
	return out
}

// next returns how long until the first retry is due, or false.
func (q retryQueue) next(now time.Time) (time.Duration, bool) {
	if len(q) == 0 {
		return 0, false
	}
	return max(q[0].due.Sub(now), 0), true
}
