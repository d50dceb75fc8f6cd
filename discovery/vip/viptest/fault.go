package viptest

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/lookup"
)

// vipRetryKey is a retry's identity: its kind and VIP (zero for commits).
type vipRetryKey struct {
	kind vip.RetryKind
	vip  netip.Addr
}

// FaultRun plays a VIP world through a machine and a simulated
// Announcer that fails some writes, loses the answer of others (Unknown:
// the write may or may not have landed), and a timer set that fires each
// retry after any number of later events, in the words of the adapter
// contract: one timer per key and kind, a newer RetryAfter replacing it.
type FaultRun struct {
	// Machine is the machine under test.
	Machine *vip.Machine
	// Model is the brute-force reference, fed the same informer events
	// (not the outcomes, which do not change what is desired).
	Model *Model
	// Announced is what the simulated Announcer really announces.
	Announced map[netip.Addr]bool
	// Log is every event stepped, outcomes and due retries included, in
	// order.
	Log []vip.Event
	// Effects are the effects of each event of Log, at the same index.
	Effects [][]vip.Effect

	t       *rapid.T
	checker *Checker
	faults  bool
	seq     int
	timers  map[vipRetryKey]int // pending timers: the seq of their RetryAfter
	// superseded: keys whose pending retry a newer effect, or a Done for
	// the current decision, has made moot since its RetryAfter.
	superseded map[vipRetryKey]bool
	current    map[netip.Addr]vip.Kind // the latest effect per VIP
}

// FaultProperty returns a rapid property of the VIP machine's outcomes
// and retries: with writes failing, conflicting or losing their answer and
// retries firing late, a superseded retry yields nothing (6); a retry that
// is due emits the current decision, with the Services the model says,
// never what was wanted when the write failed (7); once failures stop,
// the Announcer converges on the model's desired set, with no retry left
// (8); and replaying the same events, outcomes and retries gives the same
// effects (5). A Checker checks every step too (2, 3).
func FaultProperty(gen GenConfig) func(*rapid.T) {
	gen = gen.withDefaults()
	return func(t *rapid.T) {
		hs := drawHistories(t, gen, "histories")
		events := drawOrder(t, hs, "order")
		cfg := vip.Config{NodeName: gen.NodeName}
		r, err := RunFaults(t, cfg, events)
		if err != nil {
			t.Fatal(err)
		}
		m, err := vip.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i, ev := range r.Log {
			got, _ := m.Step(ev)
			if diff := cmp.Diff(r.Effects[i], got, equateAddr); diff != "" {
				t.Fatalf("invariant 5: replayed step %d (%T) differs (-run +replay):\n%s", i, ev, diff)
			}
		}
	}
}

// RunFaults steps events, in order, through a fresh machine, applying
// its effects with faults drawn by rapid and firing pending retries at
// points rapid draws; then, with faults off, fires every retry left until
// none is. It returns an error at the first broken invariant.
func RunFaults(t *rapid.T, cfg vip.Config, events []vip.Event) (*FaultRun, error) {
	m, err := vip.New(cfg)
	if err != nil {
		return nil, err
	}
	checker := NewChecker(cfg)
	r := &FaultRun{Machine: m, Model: checker.Model(), checker: checker, Announced: map[netip.Addr]bool{}, t: t,
		faults: true, timers: map[vipRetryKey]int{}, superseded: map[vipRetryKey]bool{},
		current: map[netip.Addr]vip.Kind{}}
	calm := rapid.IntRange(0, len(events)).Draw(t, "faultsUntil")
	for i := 0; i < len(events); {
		if i == calm {
			r.faults = false
		}
		if len(r.timers) > 0 && rapid.IntRange(0, 2).Draw(t, "fireNow") == 0 {
			if err := r.fire(r.pick()); err != nil {
				return r, err
			}
			continue
		}
		// A batch of events, their effects applied after all of them, as
		// the adapter does with what its queue holds at once.
		n := rapid.IntRange(1, 3).Draw(t, "batch")
		var batch []vip.Effect
		for ; n > 0 && i < len(events); n, i = n-1, i+1 {
			effects, err := r.step(events[i])
			if err != nil {
				return r, err
			}
			batch = append(batch, effects...)
		}
		if err := r.apply(batch); err != nil {
			return r, err
		}
	}
	r.faults = false
	for len(r.timers) > 0 {
		if err := r.fire(r.pick()); err != nil {
			return r, err
		}
	}
	return r, r.converged()
}

func (r *FaultRun) pick() vipRetryKey {
	keys := slices.SortedFunc(maps.Keys(r.timers), func(a, b vipRetryKey) int {
		if a.kind != b.kind {
			return int(a.kind) - int(b.kind)
		}
		return a.vip.Compare(b.vip)
	})
	return rapid.SampledFrom(keys).Draw(r.t, "timer")
}

// step steps one event, tracks what supersedes pending retries, and
// returns the effects.
func (r *FaultRun) step(ev vip.Event) ([]vip.Effect, error) {
	effects, err := r.Machine.Step(ev)
	r.Log = append(r.Log, ev)
	r.Effects = append(r.Effects, effects)
	if err := r.checker.Observe(ev, effects, err); err != nil {
		return nil, err // invariants 2 and 3, step by step
	}
	if err != nil {
		return nil, nil // rejected, as the rules say
	}
	for _, e := range effects {
		r.seq++
		switch e.Kind {
		case vip.Advertise, vip.Withdraw:
			r.current[e.VIP] = e.Kind
			r.superseded[vipRetryKey{vip.RetryVIP, e.VIP}] = true
		case vip.RetryAfter:
			k := vipRetryKey{e.Retry, e.VIP}
			r.timers[k] = r.seq // AddAfter: replaces the key's pending timer
			delete(r.superseded, k)
		}
	}
	return effects, nil
}

// apply makes the Announcer calls of a batch, then reports their outcomes
// in order, then commits once if anything was called or a Commit asked,
// and reports that too.
func (r *FaultRun) apply(batch []vip.Effect) error {
	var outcomes []vip.Event
	commit := false
	for _, e := range batch {
		switch e.Kind {
		case vip.Advertise, vip.Withdraw:
			o, landed := r.outcome()
			if landed {
				r.Announced[e.VIP] = e.Kind == vip.Advertise
			}
			outcomes = append(outcomes, r.applied(e.Kind, e.VIP, o))
			commit = true
		case vip.Commit:
			commit = true
		}
	}
	if commit && r.Model.Synced() {
		o, _ := r.outcome()
		outcomes = append(outcomes, r.applied(vip.Commit, netip.Addr{}, o))
	}
	for _, ev := range outcomes {
		effects, err := r.step(ev)
		if err != nil {
			return err
		}
		if a := ev.(vip.Applied); a.Outcome == vip.Done {
			switch {
			case a.Effect == vip.Commit:
				r.superseded[vipRetryKey{vip.RetryCommit, netip.Addr{}}] = true
			case r.current[a.VIP] == a.Effect:
				r.superseded[vipRetryKey{vip.RetryVIP, a.VIP}] = true
			}
		}
		for _, e := range effects {
			if e.Kind != vip.RetryAfter {
				return fmt.Errorf("an outcome %+v caused %v: outcomes only schedule retries", ev, e)
			}
		}
	}
	return nil
}

// outcome draws how a write ends while faults are on, and whether it
// landed: Done always does, Failed and Conflict never, Unknown either way.
func (r *FaultRun) outcome() (vip.Applied, bool) {
	if !r.faults {
		return vip.Applied{Outcome: vip.Done}, true
	}
	switch rapid.IntRange(0, 5).Draw(r.t, "outcome") {
	case 0:
		return vip.Applied{Outcome: vip.Failed, Class: lookup.Transient, Message: "refused"}, false
	case 1:
		return vip.Applied{Outcome: vip.Failed, Class: lookup.Permanent, Message: "forbidden"}, false
	case 2:
		return vip.Applied{Outcome: vip.Conflict}, false
	case 3:
		return vip.Applied{Outcome: vip.Unknown, Message: "reset"}, rapid.Bool().Draw(r.t, "landed")
	}
	return vip.Applied{Outcome: vip.Done}, true
}

func (r *FaultRun) applied(kind vip.Kind, vip netip.Addr, o vip.Applied) vip.Event {
	o.Effect, o.VIP = kind, vip
	return o
}

// fire delivers a due retry and checks what the machine makes of it.
func (r *FaultRun) fire(k vipRetryKey) error {
	delete(r.timers, k)
	moot := r.superseded[k]
	delete(r.superseded, k)
	ev := vip.RetryDue{Kind: k.kind, VIP: k.vip}
	effects, err := r.step(ev)
	if err != nil {
		return err
	}
	switch {
	case moot && len(effects) > 0:
		return fmt.Errorf("invariant 6: a superseded retry %+v yielded %v", ev, effects)
	case moot:
	case len(effects) != 1:
		return fmt.Errorf("invariant 7: a due retry %+v yielded %v, want exactly the current decision", ev, effects)
	case k.kind == vip.RetryCommit:
		if effects[0].Kind != vip.Commit {
			return fmt.Errorf("invariant 7: a due commit retry yielded %v", effects[0])
		}
	default:
		if err := r.isCurrent(effects[0]); err != nil {
			return err
		}
	}
	return r.apply(effects)
}

// isCurrent checks a retried write against the model's decision now.
func (r *FaultRun) isCurrent(e vip.Effect) error {
	want := vip.Effect{Kind: vip.Advertise, VIP: e.VIP, Services: r.Model.Desired()[e.VIP]}
	if want.Services == nil {
		want = vip.Effect{Kind: vip.Withdraw, VIP: e.VIP, Services: r.Model.Users(e.VIP)}
	}
	if diff := cmp.Diff(want, e, equateAddr); diff != "" {
		return fmt.Errorf("invariant 7: a retry wrote %v, not the current decision (-want +got):\n%s", e, diff)
	}
	return nil
}

// converged checks invariant 8 once failures have stopped and every retry
// has fired: the Announcer holds exactly the desired set (nothing before
// sync), and so does the machine's view.
func (r *FaultRun) converged() error {
	var want []netip.Addr
	if r.Model.Synced() {
		want = slices.SortedFunc(maps.Keys(r.Model.Desired()), netip.Addr.Compare)
	}
	var got []netip.Addr
	for _, a := range slices.SortedFunc(maps.Keys(r.Announced), netip.Addr.Compare) {
		if r.Announced[a] {
			got = append(got, a)
		}
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("invariant 8: the Announcer announces %v once failures stopped, the model wants %v", got, want)
	}
	if m := r.Machine.Advertised(); !slices.Equal(m, want) {
		return fmt.Errorf("invariant 8: the machine says %v are advertised, the model wants %v", m, want)
	}
	return nil
}
