package viptest

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip"
)

// Run feeds events to a fresh machine built with cfg, checking every
// step with a Checker, and returns the checker and each step's effects.
func Run(cfg vip.Config, events []vip.Event) (*Checker, [][]vip.Effect, error) {
	m, err := vip.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	c := NewChecker(cfg)
	var out [][]vip.Effect
	for i, ev := range events {
		effects, err := m.Step(ev)
		out = append(out, effects)
		if err := c.Observe(ev, effects, err); err != nil {
			return c, out, fmt.Errorf("step %d: %w", i, err)
		}
	}
	if got, want := m.Advertised(), c.Announced(); !slices.Equal(got, want) {
		return c, out, fmt.Errorf("the machine says %v are advertised, its effects say %v", got, want)
	}
	return c, out, nil
}

// StaleVIP is an address no generated Service uses: a restart check
// passes it as advertised before the restart and expects its withdrawal.
var StaleVIP = netip.MustParseAddr("198.51.100.9")

var equateAddr = cmpopts.EquateComparable(netip.Addr{})

// Property returns a rapid property over generated per-object
// histories: two interleavings each checked step by step with a
// Checker (invariants 2 and 3); both end with the advertised set the
// model computes from the final state (1); a relist of the final state in
// any order into a fresh machine told what was advertised withdraws
// nothing but a stale VIP (4); and the same events twice give the same
// effects (5).
func Property(gen GenConfig) func(*rapid.T) {
	gen = gen.withDefaults()
	cfg := vip.Config{NodeName: gen.NodeName}
	return func(t *rapid.T) {
		hs := drawHistories(t, gen, "histories")
		first := drawOrder(t, hs, "first")
		second := drawOrder(t, hs, "second")
		ca, effects, err := Run(cfg, first)
		if err != nil {
			t.Fatalf("first order: %v", err)
		}
		cb, _, err := Run(cfg, second)
		if err != nil {
			t.Fatalf("second order: %v", err)
		}
		want := slices.SortedFunc(func(yield func(netip.Addr) bool) {
			for a := range ca.Model().Desired() {
				if !yield(a) {
					return
				}
			}
		}, netip.Addr.Compare)
		if a, b := ca.Announced(), cb.Announced(); !slices.Equal(a, want) || !slices.Equal(b, want) {
			t.Fatalf("invariant 1: one order advertises %v, another %v; the final state wants %v", a, b, want)
		}
		_, again, _ := Run(cfg, first)
		if diff := cmp.Diff(effects, again, equateAddr); diff != "" {
			t.Fatalf("invariant 5: the same events gave other effects (-first +second):\n%s", diff)
		}
		checkVIPRestart(t, cfg, ca)
	}
}

// checkVIPRestart relists the final state into fresh machines, in any
// order, the synced markers last in either order: told nothing, or told
// the advertised set, or told it plus StaleVIP. None withdraws a valid VIP.
func checkVIPRestart(t *rapid.T, cfg vip.Config, before *Checker) {
	model := before.Model()
	relist := model.Relist(rapid.Permutation(model.Objects()).Draw(t, "relist"))
	markers := []vip.Event{vip.ServicesSynced{}, vip.SlicesSynced{}}
	if rapid.Bool().Draw(t, "slicesSyncFirst") {
		markers[0], markers[1] = markers[1], markers[0]
	}
	relist = append(relist, markers...)
	for _, prev := range [][]netip.Addr{nil, before.Announced(), append(before.Announced(), StaleVIP)} {
		restarted := cfg
		restarted.Advertised = prev
		c, effects, err := Run(restarted, relist)
		if err != nil {
			t.Fatalf("invariant 4: restart told %v: %v", prev, err)
		}
		for _, step := range effects {
			for _, e := range step {
				if e.Kind == vip.Withdraw && e.VIP != StaleVIP {
					t.Fatalf("invariant 4: restart told %v withdrew %v", prev, e)
				}
			}
		}
		if got := c.Announced(); !slices.Equal(got, before.Announced()) {
			t.Fatalf("invariant 4: restart advertises %v, before it %v", got, before.Announced())
		}
	}
}
