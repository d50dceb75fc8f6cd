package endpointtest_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

// prober stands for a health checker: it probes what it was told about.
type prober struct{ probing map[string]bool }

func (p *prober) RemoteEndpointCreated(ep *endpoint.Endpoint) error {
	p.probing[ep.Name] = true
	return nil
}
func (p *prober) RemoteEndpointUpdated(*endpoint.Endpoint) error { return nil }
func (p *prober) RemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	delete(p.probing, ep.Name)
	return nil
}

// staleAwareProber also stops probing superseded endpoints when deleted.
type staleAwareProber struct{ prober }

func (p *staleAwareProber) StaleRemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	delete(p.probing, ep.Name)
	return nil
}

func probesMatch(h endpoint.Handler, want endpointtest.Expectation) error {
	var probing map[string]bool
	switch p := h.(type) {
	case *prober:
		probing = p.probing
	case *staleAwareProber:
		probing = p.probing
	}
	if got, want := slices.Sorted(maps.Keys(probing)), slices.Sorted(maps.Keys(want.Announced)); !slices.Equal(got, want) {
		return fmt.Errorf("probing %v, want %v", got, want)
	}
	return nil
}

func restartPattern() []endpointtest.Step {
	old := endpoint.Endpoint{Name: "east-gw-1", ClusterID: "east", CreatedAt: endpointtest.Epoch, Sequence: 1}
	newer := old
	newer.Name, newer.Sequence = "east-gw-2", 2
	return []endpointtest.Step{
		{Event: endpoint.Upsert{Endpoint: old}},
		{Event: endpoint.Synced{}},
		{Event: endpoint.Upsert{Endpoint: newer}},
		{Event: endpoint.Delete{Name: old.Name}},
	}
}

// The kit must catch the field's health checker, which never learns that a
// superseded endpoint was deleted, and pass the fixed one on any stream.
func TestCheckHandler(t *testing.T) {
	legacy := func() endpoint.Handler { return &prober{probing: map[string]bool{}} }
	fixed := func() endpoint.Handler { return &staleAwareProber{prober{probing: map[string]bool{}}} }
	if err := endpointtest.CheckHandler("", restartPattern(), legacy, probesMatch); err == nil {
		t.Error("the legacy prober passed the incident-000 stream")
	}
	if err := endpointtest.CheckHandler("", restartPattern(), fixed, probesMatch); err != nil {
		t.Errorf("the stale-aware prober failed: %v", err)
	}
	rapid.Check(t, endpointtest.HandlerProperty(endpointtest.GenConfig{Invalid: true}, fixed, probesMatch))
}

// The checker must refuse streams that break each invariant.
func TestCheckerRefusesBrokenStreams(t *testing.T) {
	a := endpoint.Endpoint{Name: "east-a", ClusterID: "east", CreatedAt: endpointtest.Epoch}
	b := a
	b.Name, b.CreatedAt = "east-b", a.CreatedAt.Add(time.Second)
	n := func(k endpoint.Kind, ep endpoint.Endpoint) []endpoint.Effect {
		return []endpoint.Effect{{Kind: k, Endpoint: ep}}
	}
	type obs struct {
		ev endpoint.Event
		ns []endpoint.Effect
	}
	for name, stream := range map[string][]obs{
		"announce before sync":       {{endpoint.Upsert{Endpoint: a}, n(endpoint.RemoteEndpointCreated, a)}},
		"removed for a stale one":    {{endpoint.Synced{}, nil}, {endpoint.Upsert{Endpoint: a}, n(endpoint.RemoteEndpointCreated, a)}, {endpoint.Upsert{Endpoint: b}, n(endpoint.RemoteEndpointCreated, b)}, {endpoint.Delete{Name: "east-a"}, n(endpoint.RemoteEndpointRemoved, a)}},
		"deleted, never retired":     {{endpoint.Synced{}, nil}, {endpoint.Upsert{Endpoint: a}, n(endpoint.RemoteEndpointCreated, a)}, {endpoint.Delete{Name: "east-a"}, nil}},
		"announce the stale one":     {{endpoint.Synced{}, nil}, {endpoint.Upsert{Endpoint: b}, n(endpoint.RemoteEndpointCreated, b)}, {endpoint.Upsert{Endpoint: a}, n(endpoint.RemoteEndpointCreated, a)}},
		"local kind for remote":      {{endpoint.Synced{}, nil}, {endpoint.Upsert{Endpoint: a}, n(endpoint.LocalEndpointCreated, a)}},
		"update of a stale one":      {{endpoint.Synced{}, nil}, {endpoint.Upsert{Endpoint: b}, n(endpoint.RemoteEndpointCreated, b)}, {endpoint.Upsert{Endpoint: a}, nil}, {endpoint.Upsert{Endpoint: a}, n(endpoint.RemoteEndpointUpdated, a)}},
		"new endpoint not announced": {{endpoint.Synced{}, nil}, {endpoint.Upsert{Endpoint: a}, nil}},
	} {
		c := endpointtest.NewChecker("")
		var err error
		for _, o := range stream {
			if err = c.Observe(o.ev, o.ns, nil); err != nil {
				break
			}
		}
		var v *endpointtest.Violation
		if !errors.As(err, &v) {
			t.Errorf("%s: checker accepted the stream (err %v)", name, err)
		}
	}
}

func TestReplayReportsDepartures(t *testing.T) {
	scenarios, err := endpointtest.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	s := scenarios[0]
	s.Steps = slices.Clone(s.Steps)
	last := len(s.Steps) - 1
	s.Steps[last].Expect = []string{"RemoteEndpointRemoved somebody"}
	lines, err := s.Replay()
	if err == nil || lines[last].Problem == "" {
		t.Fatalf("a wrong expectation went unnoticed: %v", err)
	}
	for _, text := range []string{"Nope name=a\n", "Delete nmae=a\n", "Delete name=a\nRemoteEndpointRemoved a\n"} {
		if _, err := endpointtest.ParseScenario([]byte(text)); err == nil {
			t.Errorf("parsed %q", text)
		}
	}
	if s, err := endpointtest.ParseScenario([]byte("Synced\n----\n\nDelete name=a\n----\nerror: ErrUnknownEndpoint\n")); err != nil || len(s.Steps) != 2 {
		t.Errorf("ParseScenario = %+v, %v", s, err)
	}
}
