package kube

import (
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/informer"
	"github.com/meshstate/meshstate/ipam"
)

// kindFlush is the adapter's own retry of a status write that carried
// only conditions (no WriteStatus, so no Applied the machine could retry
// on). It sits beside the machine's kinds in timer keys.
const kindFlush ipam.Kind = 0

// timerKey is one retry slot: an owner and what to retry. A new retry for
// the same slot replaces the scheduled one: the machine's latest decision
// stands.
type timerKey struct {
	key  string
	kind ipam.Kind
}

type timerEntry struct {
	t      *time.Timer
	seq    uint64
	effect ipam.Effect // what to apply when it fires
}

// fired is the queue item of a timer that fired.
type fired struct {
	timerKey
	seq uint64
}

// timers schedules retries. They fire onto the queue, so the retry is
// applied by the loop like any other effect; timer callbacks touch
// nothing else.
type timers struct {
	q       *informer.Queue
	entries map[timerKey]*timerEntry
	seq     uint64
}

func newTimers(q *informer.Queue) *timers {
	return &timers{q: q, entries: map[timerKey]*timerEntry{}}
}

// schedule applies e after delay, replacing what k had scheduled.
func (t *timers) schedule(k timerKey, delay time.Duration, e ipam.Effect) {
	t.cancel(k)
	t.seq++
	f := fired{timerKey: k, seq: t.seq}
	// The effect's addresses are shared with the machine; keep a copy.
	e.Addresses = append([]netip.Addr(nil), e.Addresses...)
	t.entries[k] = &timerEntry{seq: t.seq, effect: e,
		t: time.AfterFunc(delay, func() { t.q.Push(informer.Item{Source: srcRetry, Obj: f}) })}
}

// take returns the effect of a timer that fired, unless it was replaced
// or cancelled since.
func (t *timers) take(f fired) (ipam.Effect, bool) {
	e := t.entries[f.timerKey]
	if e == nil || e.seq != f.seq {
		return ipam.Effect{}, false
	}
	delete(t.entries, f.timerKey)
	return e.effect, true
}

func (t *timers) cancel(k timerKey) {
	if e := t.entries[k]; e != nil {
		e.t.Stop()
		delete(t.entries, k)
	}
}

// cancelOwner drops every retry of the owner at key, which is gone.
func (t *timers) cancelOwner(key string) {
	for _, k := range []ipam.Kind{kindFlush, ipam.WriteStatus, ipam.EnsureDependency, ipam.Lookup} {
		t.cancel(timerKey{key, k})
	}
}

func (t *timers) stopAll() {
	for k := range t.entries {
		t.cancel(k)
	}
}

func (t *timers) len() int { return len(t.entries) }
