package cni_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/retry"
)

func TestNewRejects(t *testing.T) {
	p := netip.MustParsePrefix
	for name, cfg := range map[string]cni.Config{
		"none":      {},
		"invalid":   {PodCIDRs: []netip.Prefix{{}}},
		"unmasked":  {PodCIDRs: []netip.Prefix{p("10.244.0.1/16")}},
		"overlap":   {PodCIDRs: []netip.Prefix{p("10.244.0.0/16"), p("10.244.8.0/24")}},
		"schedule":  {PodCIDRs: []netip.Prefix{p("10.244.0.0/16")}, Retry: retry.Schedule{Initial: -1}},
		"threshold": {PodCIDRs: []netip.Prefix{p("10.244.0.0/16")}, WaitingAfter: -1},
	} {
		_, err := cni.New(cfg)
		var re *cni.RejectedError
		if !errors.Is(err, cni.ErrInvalidConfig) || !errors.As(err, &re) {
			t.Errorf("%s: New = %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := cni.New(cni.Config{PodCIDRs: []netip.Prefix{p("10.244.0.0/16"), p("fd00:244::/56")}}); err != nil {
		t.Errorf("dual stack: %v", err)
	}
}

// Waiting says the node is not Ready while it is not, and says so again
// when the reason changes.
func TestWaitingReason(t *testing.T) {
	m, err := cni.New(cni.Config{PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}, WaitingAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, ev := range []cni.Event{cni.Snapshot{}, cni.Snapshot{}, cni.Snapshot{}, cni.NodeReady{Ready: true}, cni.Snapshot{}} {
		effects, err := m.Step(ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range effects {
			if e.Kind == cni.Waiting {
				reasons = append(reasons, e.Reason)
			}
		}
	}
	if len(reasons) != 2 || reasons[0] != cni.ReasonNodeNotReady || reasons[1] != cni.ReasonNoInterface {
		t.Errorf("Waiting reasons %q, want NodeNotReady then NoInterface", reasons)
	}
}
