package mcs_test

import (
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/mcs/mcstest"
)

func runExport(t *rapid.T, w mcstest.World) *mcstest.Run {
	r, err := mcstest.Play(t, w)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Invariant 1: any interleaving of the same per-object histories, with the
// machine's writes coming back through the informer, settles on the
// imports and conditions the model computes from the final state alone.
func TestExportOrderIndependence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := mcstest.GenWorld(mcstest.GenConfig{}).Draw(t, "world")
		want := mcstest.Expect(w)
		a, b := runExport(t, w), runExport(t, w)
		for _, r := range []*mcstest.Run{a, b} {
			if err := r.Check(want); err != nil {
				t.Fatal(err)
			}
		}
		same := func(x, y mcs.Import) bool {
			return mcstest.Normalized(x).Equal(mcstest.Normalized(y))
		}
		if !maps.EqualFunc(a.Owned, b.Owned, same) {
			t.Fatalf("two interleavings own %v and %v", a.Owned, b.Owned)
		}
	})
}

// Invariant 3: nothing is deleted (nor, by design, emitted) before both
// sources have synced, no import without this cluster's label is ever
// written or deleted, and an import is deleted once. The checker sits in
// every run; this property gives it worlds with one peer and many changes.
func TestExportSyncAndOwnership(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := mcstest.GenWorld(mcstest.GenConfig{ClusterID: "c2", Peers: []string{"c1"}, Changes: 5}).Draw(t, "world")
		runExport(t, w)
	})
}

// Invariant 4: a restart against the settled, unchanged world asks for no
// write at all, whatever order the relist comes in and wherever the
// synced markers fall after their lists.
func TestExportRestart(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := runExport(t, mcstest.GenWorld(mcstest.GenConfig{}).Draw(t, "world"))
		if err := r.Restart(t); err != nil {
			t.Fatal(err)
		}
	})
}

// Invariant 5: the same events twice give the same effects, in the same
// order.
func TestExportDeterminism(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := runExport(t, mcstest.GenWorld(mcstest.GenConfig{}).Draw(t, "world"))
		for range 2 {
			got, err := mcstest.Replay(r.World.Config, r.Log)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r.Effects, got); diff != "" {
				t.Fatalf("replay differs (-run +replay):\n%s", diff)
			}
		}
	})
}

// Invariants 5 to 8 under faults: writes fail, conflict or lose their
// answer, retries fire late or superseded; a superseded retry yields
// nothing, a due one the current decision or nothing, the world converges
// on the model's expectation once failures stop, and replaying the same
// events, outcomes and retries gives the same effects.
func TestExportFaults(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := mcstest.GenWorld(mcstest.GenConfig{}).Draw(t, "world")
		r, err := mcstest.RunFaults(t, w)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Check(mcstest.Expect(w)); err != nil {
			t.Fatalf("invariant 8: once failures stopped: %v", err)
		}
		got, err := mcstest.Replay(r.World.Config, r.Log)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r.Effects, got); diff != "" {
			t.Fatalf("invariant 5: replay differs (-run +replay):\n%s", diff)
		}
	})
}

// KEP-1645 Service Port (issue 14): an export that reports no conflict has
// no port colliding with a different port of an older export, by name or
// by protocol and number. Stated apart from the model, from the KEP's
// rule, so that it caught the machine comparing only same-named ports.
func TestExportPortRuleKEP1645(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := runExport(t, mcstest.GenWorld(mcstest.GenConfig{}).Draw(t, "world"))
		if err := mcstest.CheckPortRule(r); err != nil {
			t.Fatal(err)
		}
	})
}
