package ipamtest_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/ipam/ipamtest"
)

// sim drives one machine against a World by hand, checking after every
// step that no two statuses record one address.
type sim struct {
	t *testing.T
	w *ipamtest.World
	m *ipam.Machine
}

func newSim(t *testing.T) *sim {
	m, err := ipam.New(ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/29")}, ReleaseOnNotFound: true})
	if err != nil {
		t.Fatal(err)
	}
	s := &sim{t: t, w: ipamtest.NewWorld(ipamtest.Epoch), m: m}
	s.step(ipam.Synced{At: s.w.Now()})
	return s
}

func (s *sim) step(ev ipam.Event) {
	s.t.Helper()
	if ev == nil {
		return
	}
	effects, err := s.m.Step(ev)
	if err != nil {
		s.t.Fatalf("%T%+v: %v", ev, ev, err)
	}
	s.w.Take(effects)
	if err := s.w.Recorded(false); err != nil {
		s.t.Fatalf("after %T%+v -> %v: %v", ev, ev, effects, err)
	}
}

// settle completes the oldest owed request of kind for o.
func (s *sim) settle(o *ipamtest.Object, kind ipam.Kind, outcome ipam.Outcome, class ipamtest.Class) {
	s.t.Helper()
	i := slices.IndexFunc(s.w.Owed, func(e ipam.Effect) bool { return e.Owner == o.Owner && e.Kind == kind })
	if i < 0 {
		s.t.Fatalf("no %v owed for %s: %v", kind, o.Owner, s.w.Owed)
	}
	s.step(s.w.Settle(i, outcome, class, false))
}

// converge settles everything truthfully and fires every retry.
func (s *sim) converge() {
	for range 1000 {
		switch {
		case len(s.w.Owed) > 0:
			s.step(s.w.Settle(0, ipam.Done, ipamtest.Truth, false))
		case len(s.w.Due) > 0:
			s.step(s.w.Fire(0))
		default:
			if err := s.w.Recorded(true); err != nil {
				s.t.Fatal(err)
			}
			return
		}
	}
	s.t.Fatal("no convergence")
}

// The sequence of issue 12 through the World, with ReleaseOnNotFound:
// A's internal Service is ready, a requeue's write of A's status fails
// and is scheduled to retry, A's Service is confirmed gone and A moves to
// a new address, the pool fills and F waits, A's status and Service show
// the new address so its old one goes to F; then A's old retry fires. It
// must write nothing stale: no two statuses, and no two Services, record
// one address.
func TestStaleRetryThroughTheWorld(t *testing.T) {
	s := newSim(t)
	a := s.w.Create("default", 1, true)
	s.step(a.Observed(s.w.Now()))
	s.settle(a, ipam.WriteStatus, ipam.Done, 0)
	s.settle(a, ipam.EnsureDependency, ipam.Done, 0)
	stale := a.Observed(s.w.Now())
	stale.Status.Addresses = nil
	s.step(stale)
	s.settle(a, ipam.WriteStatus, ipam.Failed, ipamtest.Class(3)) // Transient
	old := len(s.w.Due) - 1
	a.Dependency = nil
	s.w.Ask(a)
	s.settle(a, ipam.Lookup, 0, ipamtest.Truth)
	var f *ipamtest.Object
	for range 5 {
		f = s.w.Create("default", 1, false)
		s.step(f.Observed(s.w.Now()))
	}
	if len(f.Status.Addresses) != 0 || slices.ContainsFunc(s.w.Owed, func(e ipam.Effect) bool { return e.Owner == f.Owner }) {
		t.Fatalf("the pool should be full and F waiting: %v", s.w.Owed)
	}
	s.settle(a, ipam.WriteStatus, ipam.Done, 0)
	s.settle(a, ipam.EnsureDependency, ipam.Done, 0)
	oldAddr := netip.MustParseAddr("242.0.0.1")
	if !slices.ContainsFunc(s.w.Owed, func(e ipam.Effect) bool { return e.Owner == f.Owner && slices.Contains(e.Addresses, oldAddr) }) {
		t.Fatalf("F should get A's old address now: %v", s.w.Owed)
	}
	s.settle(f, ipam.WriteStatus, ipam.Done, 0)
	s.step(s.w.Fire(old))
	s.converge()
}

// A dependency edited to carry another owner's address is repaired, and
// a write whose answer was lost (landed or not) converges.
func TestTamperAndLostAnswersThroughTheWorld(t *testing.T) {
	s := newSim(t)
	a, b := s.w.Create("default", 1, true), s.w.Create("default", 1, true)
	s.step(a.Observed(s.w.Now()))
	s.step(b.Observed(s.w.Now()))
	s.step(s.w.Settle(0, ipam.Unknown, 0, true))  // a's status write landed, its answer lost
	s.step(s.w.Settle(0, ipam.Unknown, 0, false)) // b's did not land
	s.converge()
	a.Dependency = slices.Clone(b.Status.Addresses)
	s.w.Ask(a)
	s.step(s.w.Settle(0, 0, ipamtest.Truth, false))
	if h := s.m.Holdings()[0]; !h.DependencyKnown || slices.Equal(h.Dependency, h.Addresses) {
		t.Fatalf("the machine should know a's dependency carries b's address: %+v", h)
	}
	s.converge()
	if !slices.Equal(a.Dependency, a.Status.Addresses) {
		t.Fatalf("a's dependency carries %v, its status records %v", a.Dependency, a.Status.Addresses)
	}
}
