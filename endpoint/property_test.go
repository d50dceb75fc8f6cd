package endpoint_test

import (
	"fmt"
	"testing"

	"net/netip"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

// Invariants 1 to 4, and the rejection rules, against the model.
func TestPropertyInvariants(t *testing.T) {
	for _, cfg := range []endpointtest.GenConfig{
		{Clusters: 1},
		{Clusters: 3, LocalClusterID: "local", Invalid: true},
	} {
		t.Run(fmt.Sprintf("clusters=%d/local=%q", cfg.Clusters, cfg.LocalClusterID), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				steps := endpointtest.Stream(cfg).Draw(t, "steps")
				if err := endpointtest.Check(cfg.LocalClusterID, steps); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

var equateNetip = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})

type outcome struct {
	Notifications []endpoint.Effect
	Err           string
}

func replay(t *rapid.T, steps []endpointtest.Step) []outcome {
	var out []outcome
	err := endpointtest.Run(endpoint.Config{LocalClusterID: "local"}, steps,
		func(_ *endpoint.Machine, _ endpoint.Event, ns []endpoint.Effect, err error) error {
			o := outcome{Notifications: ns}
			if err != nil {
				o.Err = err.Error()
			}
			out = append(out, o)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Invariant 5: the same events twice give the same notifications, in the
// same order, and the same errors.
func TestPropertyDeterminism(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		steps := endpointtest.Stream(endpointtest.GenConfig{LocalClusterID: "local", Invalid: true}).Draw(t, "steps")
		if diff := cmp.Diff(replay(t, steps), replay(t, steps), equateNetip); diff != "" {
			t.Fatalf("two replays differ (-first +second):\n%s", diff)
		}
	})
}

// Invariant 6: any delivery order of the same objects, such as a relist
// after a restart, ends with the same active endpoint per cluster and the
// same announcements at Synced.
func TestPropertyOrderIndependence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var objs []endpoint.Endpoint
		for _, s := range endpointtest.Stream(endpointtest.GenConfig{Clusters: 2}).Draw(t, "world") {
			if u, ok := s.Event.(endpoint.Upsert); ok && !s.Restart {
				objs = append(objs, u.Endpoint)
			}
		}
		objs = latestPerName(objs)
		first := rapid.Permutation(objs).Draw(t, "first")
		second := rapid.Permutation(objs).Draw(t, "second")
		a, annA := load(t, first)
		b, annB := load(t, second)
		if diff := cmp.Diff(annA, annB); diff != "" {
			t.Fatalf("announcements at Synced differ (-first +second):\n%s", diff)
		}
		for _, cluster := range a.Clusters() {
			ea, oka := a.Active(cluster)
			eb, okb := b.Active(cluster)
			if oka != okb || ea.Name != eb.Name {
				t.Fatalf("cluster %s: active %q/%v after one order, %q/%v after another", cluster, ea.Name, oka, eb.Name, okb)
			}
		}
	})
}

// latestPerName keeps the last version of every name: a relist carries one.
func latestPerName(objs []endpoint.Endpoint) []endpoint.Endpoint {
	index := map[string]int{}
	var out []endpoint.Endpoint
	for _, ep := range objs {
		if i, ok := index[ep.Name]; ok {
			out[i] = ep
			continue
		}
		index[ep.Name] = len(out)
		out = append(out, ep)
	}
	return out
}

func load(t *rapid.T, objs []endpoint.Endpoint) (*endpoint.Machine, []string) {
	m, err := endpoint.New(endpoint.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ep := range objs {
		if _, err := m.Upsert(ep); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for _, n := range m.MarkSynced() {
		names = append(names, n.String())
	}
	return m, names
}
