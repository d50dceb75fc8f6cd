package vip_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/lookup"
	"github.com/meshstate/meshstate/retry"
)

var (
	vip1    = netip.MustParseAddr("192.0.2.1")
	vip2    = netip.MustParseAddr("192.0.2.2")
	ready   = true
	addrCmp = cmpopts.EquateComparable(netip.Addr{})
)

func mustStep[E, F any](t *testing.T, step func(E) ([]F, error), ev E) []F {
	t.Helper()
	out, err := step(ev)
	if err != nil {
		t.Fatalf("%T%+v: %v", ev, ev, err)
	}
	return out
}

func vipWorld(t *testing.T) *vip.Machine {
	t.Helper()
	m, err := vip.New(vip.Config{NodeName: "node-a"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []vip.Event{
		vip.ServiceUpsert{Service: vip.Service{Namespace: "default", Name: "web", UID: "u1",
			Type: vip.ServiceTypeLoadBalancer, VIPs: []netip.Addr{vip1}}},
		vip.SliceUpsert{Slice: vip.Slice{Namespace: "default", Name: "web-1", UID: "s1", ServiceName: "web",
			Endpoints: []vip.SliceEndpoint{{Conditions: vip.SliceConditions{Ready: &ready}}}}},
		vip.ServicesSynced{}, vip.SlicesSynced{},
	} {
		mustStep(t, m.Step, ev)
	}
	return m
}

func TestVIPRetrySuperseded(t *testing.T) {
	m := vipWorld(t)
	got := mustStep(t, m.Step, vip.Event(vip.Applied{Effect: vip.Advertise, VIP: vip1,
		Outcome: lookup.OutcomeFailed, Class: lookup.Transient}))
	want := []vip.Effect{{Kind: vip.RetryAfter, Retry: vip.RetryVIP, VIP: vip1,
		Delay: retry.DefaultSchedule().Delay(vip1.String(), 0)}}
	if diff := cmp.Diff(want, got, addrCmp); diff != "" {
		t.Fatalf("failed Advertise (-want +got):\n%s", diff)
	}
	got = mustStep(t, m.Step, vip.Event(vip.ServiceUpsert{Service: vip.Service{Namespace: "default",
		Name: "web", UID: "u1", Type: vip.ServiceTypeLoadBalancer, VIPs: []netip.Addr{vip2}}}))
	if len(got) != 2 || got[0].Kind != vip.Withdraw || got[1].Kind != vip.Advertise {
		t.Fatalf("move: %v", got)
	}
	if got := mustStep(t, m.Step, vip.Event(vip.RetryDue{Kind: vip.RetryVIP, VIP: vip1})); len(got) != 0 {
		t.Fatalf("superseded retry: %v", got)
	}
}

func TestVIPUnknownWithdrawRetried(t *testing.T) {
	m := vipWorld(t)
	mustStep(t, m.Step, vip.Event(vip.ServiceDeleted{Namespace: "default", Name: "web"}))
	got := mustStep(t, m.Step, vip.Event(vip.Applied{Effect: vip.Withdraw, VIP: vip1, Outcome: lookup.OutcomeUnknown}))
	if len(got) != 1 || got[0].Kind != vip.RetryAfter {
		t.Fatalf("unknown Withdraw: %v", got)
	}
	got = mustStep(t, m.Step, vip.Event(vip.RetryDue{Kind: vip.RetryVIP, VIP: vip1}))
	if len(got) != 1 || got[0].Kind != vip.Withdraw || got[0].VIP != vip1 {
		t.Fatalf("due retry: %v", got)
	}
	got = mustStep(t, m.Step, vip.Event(vip.Applied{Effect: vip.Withdraw, VIP: vip1,
		Outcome: lookup.OutcomeFailed, Class: lookup.Permanent}))
	if d := retry.SlowSchedule().Delay(vip1.String(), 1); len(got) != 1 || got[0].Delay != d {
		t.Fatalf("permanent failure: %v, want a retry in %v", got, d)
	}
	mustStep(t, m.Step, vip.Event(vip.Applied{Effect: vip.Withdraw, VIP: vip1, Outcome: lookup.OutcomeDone}))
	if got := mustStep(t, m.Step, vip.Event(vip.RetryDue{Kind: vip.RetryVIP, VIP: vip1})); len(got) != 0 {
		t.Fatalf("retry after Done: %v", got)
	}
}

func TestOutcomeRejections(t *testing.T) {
	for _, ev := range []vip.Event{
		vip.Applied{Effect: vip.RetryAfter, VIP: vip1, Outcome: lookup.OutcomeDone},
		vip.Applied{Effect: vip.Advertise, Outcome: lookup.OutcomeDone},
		vip.Applied{Effect: vip.Commit, VIP: vip1, Outcome: lookup.OutcomeDone},
		vip.Applied{Effect: vip.Advertise, VIP: vip1, Outcome: 9},
		vip.Applied{Effect: vip.Advertise, VIP: vip1, Outcome: lookup.OutcomeFailed},
		vip.Applied{Effect: vip.Advertise, VIP: vip1, Outcome: lookup.OutcomeFailed, Class: lookup.Found},
		vip.Applied{Effect: vip.Advertise, VIP: vip1, Outcome: lookup.OutcomeDone, Class: lookup.Transient},
		vip.RetryDue{Kind: vip.RetryKind(9), VIP: vip1},
		vip.RetryDue{Kind: vip.RetryVIP},
		vip.RetryDue{Kind: vip.RetryCommit, VIP: vip1},
	} {
		m, twin := vipWorld(t), vipWorld(t)
		mustStep(t, m.Step, vip.Event(vip.Applied{Effect: vip.Advertise, VIP: vip1,
			Outcome: lookup.OutcomeFailed, Class: lookup.Transient}))
		mustStep(t, twin.Step, vip.Event(vip.Applied{Effect: vip.Advertise, VIP: vip1,
			Outcome: lookup.OutcomeFailed, Class: lookup.Transient}))
		got, err := m.Step(ev)
		var rej *vip.RejectedError
		if !errors.Is(err, vip.ErrInvalidEvent) || !errors.As(err, &rej) || len(got) != 0 {
			t.Errorf("%T%+v: %v, %v; want a *RejectedError wrapping ErrInvalidEvent", ev, ev, got, err)
			continue
		}
		due := vip.RetryDue{Kind: vip.RetryVIP, VIP: vip1}
		if diff := cmp.Diff(mustStep(t, twin.Step, vip.Event(due)), mustStep(t, m.Step, vip.Event(due)), addrCmp); diff != "" {
			t.Errorf("after rejecting %+v the machine differs (-twin +machine):\n%s", ev, diff)
		}
	}
	if _, err := vip.New(vip.Config{NodeName: "n", Retry: retry.Schedule{Initial: -1}}); !errors.Is(err, vip.ErrInvalidConfig) {
		t.Errorf("invalid retry schedule: %v", err)
	}
}

func TestOutcomeJSON(t *testing.T) {
	for _, ev := range []vip.Event{
		vip.Applied{Effect: vip.Advertise, VIP: vip1, Outcome: lookup.OutcomeFailed, Class: lookup.Permanent, Message: "forbidden"},
		vip.Applied{Effect: vip.Commit, Outcome: lookup.OutcomeUnknown},
		vip.RetryDue{Kind: vip.RetryVIP, VIP: vip1},
		vip.RetryDue{Kind: vip.RetryCommit},
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := vip.UnmarshalEvent(b)
		if err != nil || !cmp.Equal(ev, back, addrCmp) {
			t.Errorf("%s decodes to %+v, %v", b, back, err)
		}
	}
	for _, e := range []any{
		vip.Effect{Kind: vip.RetryAfter, Retry: vip.RetryVIP, VIP: vip1, Delay: time.Second},
	} {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), `{"type":"RetryAfter"`) || !strings.Contains(string(b), `"retry":`) {
			t.Errorf("%T encodes as %s", e, b)
		}
	}
}

// HoldsSlice follows the slices the machine accepted: a refused upsert is
// not held, a deleted slice no longer is.
func TestHoldsSlice(t *testing.T) {
	m := vipWorld(t)
	if !m.HoldsSlice("default", "web-1") || m.HoldsSlice("default", "other") {
		t.Fatal("HoldsSlice does not follow the accepted slices")
	}
	if _, err := m.Step(vip.SliceUpsert{Slice: vip.Slice{Namespace: "default", Name: "bad"}}); err == nil {
		t.Fatal("a slice without its Service's name was accepted")
	}
	if m.HoldsSlice("default", "bad") {
		t.Error("a refused slice is held")
	}
	mustStep(t, m.Step, vip.Event(vip.SliceDeleted{Namespace: "default", Name: "web-1", UID: "s1"}))
	if m.HoldsSlice("default", "web-1") {
		t.Error("a deleted slice is still held")
	}
}
