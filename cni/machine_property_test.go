package cni_test

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/cnitest"
)

func newMachine(t interface{ Fatal(...any) }) *cni.Machine {
	m, err := cni.New(cni.Config{PodCIDRs: cnitest.PodCIDRs()})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The machine holds what the model wants after every event, reports
// Discovered exactly when that changes to an interface (re-discovery on a
// change of link or address) and Lost when it goes, and is never stuck.
func TestMachineFollowsModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, model := newMachine(t), cnitest.NewModel()
		for i, ev := range cnitest.History(t, rapid.IntRange(1, 60).Draw(t, "n")) {
			before, had := m.Current()
			effects, err := m.Step(ev)
			if err != nil {
				t.Fatalf("step %d %#v: %v", i, ev, err)
			}
			model.Apply(ev)
			if err := cnitest.Check(m, model, before, had, effects, cnitest.PodCIDRs()); err != nil {
				t.Fatalf("step %d %#v -> %v: %v", i, ev, effects, err)
			}
		}
	})
}

// The same events always give the same effects, also after a JSON round
// trip of the events, as a recorded trace replays them.
func TestMachineDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := cnitest.History(t, rapid.IntRange(1, 40).Draw(t, "n"))
		a, b := newMachine(t), newMachine(t)
		for i, ev := range evs {
			ea, errA := a.Step(ev)
			replayed, err := cnitest.RoundTrip(ev)
			if err != nil {
				t.Fatal(err)
			}
			eb, errB := b.Step(replayed)
			if !slices.Equal(ea, eb) || (errA == nil) != (errB == nil) {
				t.Fatalf("step %d: %v (%v) then %v (%v)", i, ea, errA, eb, errB)
			}
		}
	})
}

// Incident 002 by property: however many relists find nothing (well past
// the field's 12 tries), a retry is always pending, its delay capped, and
// the interface is discovered on the very event that makes it match.
func TestMachineNeverGivesUp(t *testing.T) {
	unrelated := []cni.Link{{Index: 2, Name: "eth0", Up: true, Addrs: []netip.Prefix{netip.MustParsePrefix("192.168.1.5/24")}}}
	limit := cni.DefaultSchedule().Max * 11 / 10
	rapid.Check(t, func(t *rapid.T) {
		m := newMachine(t)
		at := cnitest.Start()
		n := rapid.IntRange(1, 40).Draw(t, "relists")
		for i := range n {
			effects, err := m.Step(cni.Snapshot{Links: unrelated, At: at})
			if err != nil {
				t.Fatal(err)
			}
			if len(effects) == 0 || effects[0].Kind != cni.RetryAfter || effects[0].Delay > limit || effects[0].Delay <= 0 {
				t.Fatalf("relist %d: %v, want a RetryAfter within %v", i, effects, limit)
			}
			if err := cnitest.Never(m); err != nil {
				t.Fatalf("relist %d: %v", i, err)
			}
			at = at.Add(effects[0].Delay)
		}
		if _, err := m.Step(cni.LinkChanged{Link: cni.Link{Index: 7, Name: "tunl0", Up: true}, At: at}); err != nil {
			t.Fatal(err)
		}
		addr := netip.MustParsePrefix("10.244.3.1/32")
		effects, err := m.Step(cni.AddrAdded{Index: 7, Address: addr, At: at.Add(time.Millisecond)})
		want := cni.Effect{Kind: cni.Discovered, Interface: "tunl0", Index: 7, Address: addr}
		if err != nil || !slices.Equal(effects, []cni.Effect{want}) {
			t.Fatalf("after %d relists, the address appearing gave %v, %v; want %v", n, effects, err, want)
		}
	})
}

// A rejected event changes nothing: the machine answers the next events as
// a twin that never saw it.
func TestRejectedChangesNothing(t *testing.T) {
	bad := []cni.Event{
		cni.LinkChanged{Link: cni.Link{Index: 0, Name: "tunl0"}},
		cni.LinkChanged{Link: cni.Link{Index: 3, Name: "bad/name"}},
		cni.LinkChanged{Link: cni.Link{Index: 3, Name: "much-too-long-name0"}},
		cni.AddrAdded{Index: 3},
		cni.AddrRemoved{Index: -1, Address: netip.MustParsePrefix("10.244.0.1/32")},
		cni.Snapshot{Links: []cni.Link{{Index: 1, Name: "a"}, {Index: 1, Name: "b"}}},
		cni.Snapshot{Links: []cni.Link{{Index: 1, Name: "a", Addrs: []netip.Prefix{{}}}}},
		nil,
	}
	rapid.Check(t, func(t *rapid.T) {
		evs := cnitest.History(t, rapid.IntRange(0, 20).Draw(t, "n"))
		at := rapid.IntRange(0, len(evs)).Draw(t, "at")
		a, b := newMachine(t), newMachine(t)
		for i, ev := range evs {
			if i == at {
				if _, err := a.Step(rapid.SampledFrom(bad).Draw(t, "bad")); err == nil {
					t.Fatal("a bad event was accepted")
				}
			}
			ea, _ := a.Step(ev)
			eb, _ := b.Step(ev)
			if !slices.Equal(ea, eb) {
				t.Fatalf("step %d: %v, twin %v", i, ea, eb)
			}
		}
	})
}
