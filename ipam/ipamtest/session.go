package ipamtest

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/lookup"
)

// Epoch is the simulated clock's start.
var Epoch = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)

var equateNetip = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})

// session is one generated run: a world, the machine of the current
// controller lifetime and the events that lifetime received.
type session struct {
	t       *rapid.T
	cfg     ipam.Config
	w       *World
	m       *ipam.Machine
	log     []ipam.Event
	synced  bool
	restart bool // the lifetime began with a restart: recorded statuses must be kept
	// given are the effects every step returned, with a copy taken at
	// once: the machine never changes what it gave (it shares address
	// slices with them, and reuses the records of deleted owners).
	given []given
}

// given is what one step returned, and a copy of it taken at once.
type given struct {
	ev            ipam.Event
	effects, then []ipam.Effect
}

// Property returns a rapid property: generated sessions of owners created,
// observed (freshly or from a stale cache), deleted; writes and lookups
// settled with any outcome and class, answers lost after the write landed
// or before; retries firing late, after newer decisions; lookups the
// adapter asks unprompted; dependencies tampered with; and controller
// restarts in the middle of all of that. The invariants are checked after
// every event, the world's own (no two statuses record one address) too;
// at the end, the world converges once faults stop (statuses, dependencies
// and holdings agree, no address recorded or carried twice), and then
// determinism and restart equivalence.
func Property(cfg ipam.Config) func(*rapid.T) {
	return func(t *rapid.T) {
		s := &session{t: t, cfg: cfg, w: NewWorld(Epoch)}
		s.m = s.newMachine()
		n := rapid.IntRange(1, 60).Draw(t, "actions")
		for range n {
			s.act()
		}
		s.checkGiven()
		s.checkDeterminism()
		s.checkRestart()
	}
}

func (s *session) newMachine() *ipam.Machine {
	m, err := ipam.New(s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	return m
}

func (s *session) act() {
	names := s.w.Names()
	pick := func() *Object {
		if len(names) == 0 {
			return nil
		}
		return s.w.Objects[rapid.SampledFrom(names).Draw(s.t, "object")]
	}
	switch rapid.IntRange(0, 13).Draw(s.t, "action") {
	case 0, 1:
		o := s.w.Create(rapid.SampledFrom([]string{"a", "b"}).Draw(s.t, "namespace"),
			rapid.IntRange(1, 3).Draw(s.t, "want"), rapid.Bool().Draw(s.t, "dependsOn"))
		s.step(o.Observed(s.w.Now()))
	case 2:
		if o := pick(); o != nil {
			s.step(o.Observed(s.w.Now()))
		}
	case 3: // a requeue reading a stale cache: no address in status yet
		if o := pick(); o != nil {
			ev := o.Observed(s.w.Now())
			ev.Status.Addresses = nil
			s.step(ev)
		}
	case 4:
		if o := pick(); o != nil {
			delete(s.w.Objects, o.Owner.String())
			s.step(ipam.Deleted{Owner: o.Owner, At: s.w.Now()})
		}
	case 5, 6, 7:
		if len(s.w.Owed) > 0 {
			i := rapid.IntRange(0, len(s.w.Owed)-1).Draw(s.t, "owed")
			outcome := ipam.Outcome(rapid.IntRange(int(ipam.Done), int(lastOutcome)).Draw(s.t, "outcome"))
			class := Class(rapid.IntRange(0, 4).Draw(s.t, "class"))
			landed := outcome == lastOutcome && rapid.Bool().Draw(s.t, "landed")
			if ev := s.w.Settle(i, outcome, class, landed); ev != nil {
				s.step(ev)
			}
		}
	case 8:
		if !s.synced {
			s.synced = true
			s.step(ipam.Synced{At: s.w.Now()})
		}
	case 9:
		s.restartNow()
	case 10, 11: // a retry fires, possibly long after newer decisions
		if len(s.w.Due) > 0 {
			if ev := s.w.Fire(rapid.IntRange(0, len(s.w.Due)-1).Draw(s.t, "due")); ev != nil {
				s.step(ev)
			}
		}
	case 12: // the adapter looks a dependency up unasked (its Service changed or went)
		if o := pick(); o != nil && o.DependsOn {
			s.w.Ask(o)
		}
	case 13: // someone sets a dependency to another owner's address
		if o := pick(); o != nil && o.Dependency != nil {
			if other := pick(); other != o && len(other.Status.Addresses) > 0 {
				o.Dependency = slices.Clone(other.Status.Addresses)
				s.w.Ask(o)
			}
		}
	}
}

// restartNow replaces the machine with a fresh one fed a relist, as a
// restarted controller's is; requests and retries in flight are lost.
func (s *session) restartNow() {
	s.m, s.log, s.w.Owed, s.w.Due, s.synced, s.restart = s.newMachine(), nil, nil, nil, true, true
	for _, ev := range s.w.Relist(rapid.Permutation(s.w.Names()).Draw(s.t, "relist")) {
		s.step(ev)
	}
	s.checkRecovered()
}

// step feeds one event, hands its effects to the world and checks the
// invariants that hold after every step.
func (s *session) step(ev ipam.Event) {
	before := holdings(s.m)
	effects, err := s.m.Step(ev)
	if err != nil {
		s.t.Fatalf("%T%+v rejected: %v", ev, ev, err)
	}
	s.log = append(s.log, ev)
	s.given = append(s.given, given{ev, effects, cloneEffects(effects)})
	if err := Notices(effects); err != nil {
		s.t.Fatalf("after %T%+v -> %v: %v", ev, ev, effects, err)
	}
	s.w.Take(effects)
	if err := Invariants(s.m, before, ev, s.cfg.ReleaseOnNotFound); err != nil {
		s.t.Fatalf("after %T%+v -> %v: %v", ev, ev, effects, err)
	}
	if err := s.w.Recorded(false); err != nil {
		s.t.Fatalf("after %T%+v -> %v: %v", ev, ev, effects, err)
	}
}

func holdings(m *ipam.Machine) map[string]ipam.Holding {
	out := map[string]ipam.Holding{}
	for _, h := range m.Holdings() {
		out[h.Owner.String()] = h
	}
	return out
}

// Invariants checks one step of m, given its holdings before the step (by
// namespace/name) and the event: no address held twice (1); free plus
// allocated equals size (2); an owner's addresses change only on its
// deletion or, with releaseOnNotFound, a NotFound lookup (3); at most
// the wanted number of addresses, and an empty pool once no owner is left
// (4).
func Invariants(m *ipam.Machine, before map[string]ipam.Holding, ev ipam.Event, releaseOnNotFound bool) error {
	seen := map[netip.Addr]string{}
	held := 0
	after := m.Holdings()
	for _, h := range after {
		for _, a := range slices.Concat(h.Addresses, h.Retiring) {
			if other, dup := seen[a]; dup {
				return fmt.Errorf("invariant 1: %v held by %s and %s", a, other, h.Owner)
			}
			seen[a] = h.Owner.String()
		}
		held += len(h.Addresses) + len(h.Retiring)
		prev, ok := before[h.Owner.String()]
		if !ok || prev.Owner.UID != h.Owner.UID || len(prev.Addresses) == 0 || slices.Equal(prev.Addresses, h.Addresses) {
			continue
		}
		lr, isLookup := ev.(ipam.LookupResult)
		if !(releaseOnNotFound && isLookup && lr.Class == lookup.NotFound && lr.Owner.UID == h.Owner.UID) {
			return fmt.Errorf("invariant 3: %s changed from %v to %v", h.Owner, prev.Addresses, h.Addresses)
		}
	}
	size, free := 0, 0
	for _, p := range m.Stats().Prefixes {
		size, free = size+p.Size, free+p.Free
	}
	if free+held != size {
		return fmt.Errorf("invariant 2: free %d + held %d != size %d", free, held, size)
	}
	if len(after) == 0 && free != size {
		return fmt.Errorf("invariant 4: no owner left but %d of %d addresses allocated", size-free, size)
	}
	return nil
}

// checkRecovered: after a restart, every owner whose status recorded its
// addresses holds exactly those (a single machine wrote them, so none is
// contested), and each holds at most what it wants.
func (s *session) checkRecovered() {
	got := holdings(s.m)
	for name, o := range s.w.Objects {
		h := got[name]
		if len(h.Addresses) > o.Want {
			s.t.Fatalf("invariant 4: %s holds %v, wants %d", name, h.Addresses, o.Want)
		}
		if len(o.Status.Addresses) > 0 && !slices.Equal(o.Status.Addresses, h.Addresses) {
			s.t.Fatalf("invariant 3/5: %s recorded %v but holds %v after the restart", name, o.Status.Addresses, h.Addresses)
		}
	}
}

// checkGiven checks that the effects every step returned are still what
// they were when it returned them.
func (s *session) checkGiven() {
	for i, g := range s.given {
		if diff := cmp.Diff(g.then, g.effects, equateNetip); diff != "" {
			s.t.Fatalf("the effects of step %d (%T) changed after they were returned (-then +now):\n%s", i, g.ev, diff)
		}
	}
}

// cloneEffects copies effects and the address slices they share with the
// machine.
func cloneEffects(effects []ipam.Effect) []ipam.Effect {
	out := slices.Clone(effects)
	for i := range out {
		out[i].Addresses = slices.Clone(out[i].Addresses)
	}
	return out
}

// checkDeterminism replays this lifetime's events into a fresh machine and
// expects the same effects (invariant 6).
func (s *session) checkDeterminism() {
	a, b := s.newMachine(), s.newMachine()
	for i, ev := range s.log {
		ea, erra := a.Step(ev)
		eb, errb := b.Step(ev)
		if diff := cmp.Diff(ea, eb, equateNetip); diff != "" || (erra == nil) != (errb == nil) {
			s.t.Fatalf("invariant 6: event %d %T gave different effects (-first +second):\n%s", i, ev, diff)
		}
	}
}

// converge settles every owed request truthfully and fires every due
// retry, as a world whose faults have stopped does, until nothing is left.
func (s *session) converge() {
	if !s.synced {
		s.synced = true
		s.step(ipam.Synced{At: s.w.Now()})
	}
	for range 10_000 {
		var ev ipam.Event
		switch {
		case len(s.w.Owed) > 0:
			ev = s.w.Settle(0, ipam.Done, Truth, false)
		case len(s.w.Due) > 0:
			ev = s.w.Fire(0)
		default:
			return
		}
		if ev != nil {
			s.step(ev)
		}
	}
	s.t.Fatalf("no convergence: %d requests owed, %d retries due", len(s.w.Owed), len(s.w.Due))
}

// checkRestart lets the world converge, checks that it agrees with the
// machine, then replays the recorded statuses into a fresh machine: it
// must hold the same addresses, write nothing and notify nothing
// (invariant 5).
func (s *session) checkRestart() {
	s.converge()
	if err := s.w.Recorded(true); err != nil {
		s.t.Fatalf("after convergence: %v", err)
	}
	want := s.m.Holdings()
	for _, h := range want {
		o := s.w.Objects[h.Owner.String()]
		if !slices.Equal(o.Status.Addresses, h.Addresses) {
			s.t.Fatalf("after convergence: %s holds %v but its status records %v", h.Owner, h.Addresses, o.Status.Addresses)
		}
		if len(h.Retiring) > 0 {
			s.t.Fatalf("after convergence: %s still retires %v", h.Owner, h.Retiring)
		}
		if o.DependsOn && h.Addresses != nil && !slices.Equal(o.Dependency, h.Addresses) {
			s.t.Fatalf("after convergence: %s holds %v but its dependency carries %v", h.Owner, h.Addresses, o.Dependency)
		}
	}
	fresh := s.newMachine()
	for _, ev := range s.w.Relist(rapid.Permutation(s.w.Names()).Draw(s.t, "replay")) {
		effects, err := fresh.Step(ev)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, e := range effects {
			if e.Kind == ipam.WriteStatus || e.Kind == ipam.SetCondition || e.Kind == ipam.Release || e.Kind == ipam.Notify {
				s.t.Fatalf("invariant 5: replaying recorded statuses wrote %v", e)
			}
		}
	}
	if diff := cmp.Diff(want, fresh.Holdings(), equateNetip,
		cmpopts.IgnoreFields(ipam.Holding{}, "Dependency", "DependencyKnown")); diff != "" {
		s.t.Fatalf("invariant 5: the replay holds other addresses (-before +after):\n%s", diff)
	}
}
