package cni_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/cnitest"
)

// The machine's incremental index (index.go) always agrees with Choose
// over a fresh copy of its links, the O(links) computation it replaces.
func TestIndexAgreesWithChoose(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newMachine(t)
		for i, ev := range cnitest.History(t, rapid.IntRange(1, 80).Draw(t, "n")) {
			if _, err := m.Step(ev); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			want, wok := cni.Choose(m.Links(), cnitest.PodCIDRs())
			got, ok := m.Current()
			if ok != wok || got != want {
				t.Fatalf("step %d %#v: holds %v (%v), Choose says %v (%v)", i, ev, got, ok, want, wok)
			}
		}
	})
}
