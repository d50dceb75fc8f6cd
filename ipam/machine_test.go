package ipam_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/lookup"
	"github.com/meshstate/meshstate/retry"
)

var (
	t0          = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	equateNetip = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})
)

func owner(name string) ipam.Owner {
	return ipam.Owner{Namespace: "default", Name: name, UID: "uid-" + name}
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

func newMachine(t *testing.T, cfg ipam.Config) *ipam.Machine {
	t.Helper()
	if cfg.Prefixes == nil {
		cfg.Prefixes = []netip.Prefix{netip.MustParsePrefix("242.0.0.0/29")} // .1 to .6
	}
	m, err := ipam.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func step(t *testing.T, m *ipam.Machine, ev ipam.Event) []string {
	t.Helper()
	effects, err := m.Step(ev)
	if err != nil {
		t.Fatalf("%T: %v", ev, err)
	}
	out := []string{}
	for _, e := range effects {
		out = append(out, e.String())
	}
	return out
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []ipam.Config{
		{},
		{Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/24")}},
		{Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}, Retry: retry.Schedule{Initial: -1}},
	} {
		if _, err := ipam.New(cfg); !errors.Is(err, ipam.ErrInvalidConfig) {
			t.Errorf("New(%+v) = %v, want ErrInvalidConfig", cfg, err)
		}
	}
}

// Rejected events return typed errors and change nothing.
func TestRejections(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, At: t0})
	before, stats := m.Holdings(), m.Stats()
	for _, tc := range []struct {
		ev   ipam.Event
		want error
	}{
		{ipam.Observed{Owner: ipam.Owner{Namespace: "Default", Name: "x", UID: "u"}, Want: 1}, ipam.ErrInvalidOwner},
		{ipam.Observed{Owner: ipam.Owner{Namespace: "default", Name: "x"}, Want: 1}, ipam.ErrInvalidOwner},
		{ipam.Observed{Owner: owner("x"), Want: 0}, ipam.ErrInvalidOwner},
		{ipam.Observed{Owner: owner("x"), Want: 1, Status: ipam.Status{Addresses: []netip.Addr{{}}}}, ipam.ErrInvalidOwner},
		{ipam.Observed{Owner: owner("a"), Want: 2}, ipam.ErrWantChanged},
		{ipam.Deleted{Owner: owner("nobody")}, ipam.ErrUnknownOwner},
		{ipam.Deleted{Owner: ipam.Owner{Namespace: "default", Name: "a", UID: "other"}}, ipam.ErrUIDMismatch},
		{ipam.LookupResult{Owner: owner("a")}, ipam.ErrInvalidEvent},
		{ipam.Applied{Owner: owner("a"), Effect: ipam.Lookup, Outcome: ipam.Done}, ipam.ErrInvalidEvent},
		{ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus}, ipam.ErrInvalidEvent},
		{ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: []netip.Addr{{}}}, ipam.ErrInvalidEvent},
		{nil, ipam.ErrInvalidEvent},
	} {
		effects, err := m.Step(tc.ev)
		var rej *ipam.RejectedError
		if !errors.Is(err, tc.want) || !errors.As(err, &rej) || len(effects) != 0 {
			t.Errorf("Step(%+v) = %v, %v; want %v", tc.ev, effects, err, tc.want)
		}
	}
	if diff := cmp.Diff(before, m.Holdings(), equateNetip); diff != "" {
		t.Errorf("rejections changed the holdings:\n%s", diff)
	}
	if diff := cmp.Diff(stats, m.Stats(), equateNetip); diff != "" {
		t.Errorf("rejections changed the stats:\n%s", diff)
	}
}

// Two owners whose statuses record one address: the older keeps it,
// whatever order the relist delivers them in.
func TestRecoveryConflictOlderKeeps(t *testing.T) {
	older := ipam.Observed{Owner: owner("older"), CreatedAt: t0, Want: 1, Status: ipam.Status{Addresses: addrs("242.0.0.3")}}
	younger := ipam.Observed{Owner: owner("younger"), CreatedAt: t0.Add(time.Hour), Want: 1, Status: ipam.Status{Addresses: addrs("242.0.0.3")}}
	outOfPool := ipam.Observed{Owner: owner("stray"), CreatedAt: t0, Want: 1, Status: ipam.Status{Addresses: addrs("10.9.9.9")}}
	for _, order := range [][]ipam.Event{{older, younger, outOfPool}, {younger, outOfPool, older}} {
		m := newMachine(t, ipam.Config{})
		for _, ev := range order {
			if got := step(t, m, ev); len(got) != 0 {
				t.Fatalf("effects before Synced: %v", got)
			}
		}
		got := step(t, m, ipam.Synced{At: t0})
		want := []string{
			"SetCondition default/older Allocated=True/Recovered",
			"Notify default/older Normal/Recovered",
			"WriteStatus default/stray [242.0.0.1]",
			"SetCondition default/stray Allocated=True/AddressOutOfPool",
			"Notify default/stray Warning/AddressOutOfPool",
			"WriteStatus default/younger [242.0.0.2]",
			"SetCondition default/younger Allocated=True/AddressTaken",
			"Notify default/younger Warning/AddressTaken",
			"SetCondition default/older Ready=True/Ready",
			"SetCondition default/stray Ready=True/Ready",
			"SetCondition default/younger Ready=True/Ready",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Synced (-want +got):\n%s", diff)
		}
	}
}

// An egress owner gets N contiguous addresses; a full pool makes owners
// wait, and a deletion serves them by namespace/name.
func TestEgressRangesAndWaiting(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	if got := step(t, m, ipam.Observed{Owner: owner("egress"), Want: 4, At: t0}); got[0] != "WriteStatus default/egress [242.0.0.1 242.0.0.2 242.0.0.3 242.0.0.4]" {
		t.Fatalf("egress: %v", got)
	}
	step(t, m, ipam.Observed{Owner: owner("b"), Want: 2, At: t0})
	if got := step(t, m, ipam.Observed{Owner: owner("c"), Want: 1, At: t0}); !slices.Equal(got, []string{
		"SetCondition default/c Allocated=False/PoolExhausted", "Notify default/c Warning/PoolExhausted", "SetCondition default/c Ready=False/PoolExhausted"}) {
		t.Fatalf("full pool: %v", got)
	}
	got := step(t, m, ipam.Deleted{Owner: owner("egress"), At: t0})
	want := []string{
		"Release default/egress [242.0.0.1 242.0.0.2 242.0.0.3 242.0.0.4]",
		"WriteStatus default/c [242.0.0.1]",
		"SetCondition default/c Allocated=True/Allocated",
		"Notify default/c Normal/Allocated",
		"SetCondition default/c Ready=True/Ready",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deletion (-want +got):\n%s", diff)
	}
	if s := m.Stats(); s.Owners != 2 || s.Waiting != 0 {
		t.Errorf("Stats = %+v", s)
	}
}

// A recreated object (new UID under the same name) is a new owner.
func TestRecreatedOwner(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, At: t0})
	again := owner("a")
	again.UID = "uid-a-2"
	got := step(t, m, ipam.Observed{Owner: again, Want: 1, At: t0})
	want := []string{"Release default/a [242.0.0.1]", "WriteStatus default/a [242.0.0.2]", "SetCondition default/a Allocated=True/Allocated",
		"Notify default/a Normal/Allocated", "SetCondition default/a Ready=True/Ready"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Write conflicts and failures keep the addresses and retry.
func TestWriteOutcomes(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, At: t0})
	for _, ev := range []ipam.Applied{
		{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Conflict},
		{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Failed, Class: lookup.Permanent},
	} {
		got := step(t, m, ev)
		if len(got) != 1 || got[0][:len("RetryAfter default/a WriteStatus")] != "RetryAfter default/a WriteStatus" {
			t.Errorf("%v: %v", ev.Outcome, got)
		}
	}
	if got := step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done}); len(got) != 0 {
		t.Errorf("Done: %v", got)
	}
	if a, _ := m.Addresses("default", "a"); !cmp.Equal(a, addrs("242.0.0.1"), equateNetip) {
		t.Errorf("holds %v", a)
	}
}

// A restarted machine that finds the dependency its owner's status already
// calls ready says nothing: a reason rewritten from DependencyEnsured to
// Found would be a status write per owner on every restart.
func TestFoundKeepsReadyDependency(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	ready := metav1.Condition{Type: ipam.ConditionDependencyReady, Status: metav1.ConditionTrue,
		Reason: ipam.ReasonDependencyEnsured, LastTransitionTime: metav1.NewTime(t0)}
	allocated := metav1.Condition{Type: ipam.ConditionAllocated, Status: metav1.ConditionTrue,
		Reason: ipam.ReasonAllocated, LastTransitionTime: metav1.NewTime(t0)}
	summary := metav1.Condition{Type: ipam.ConditionReady, Status: metav1.ConditionTrue, Reason: ipam.ReasonReady,
		Message: "the addresses are allocated and the dependency carries them", LastTransitionTime: metav1.NewTime(t0)}
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0,
		Status: ipam.Status{Addresses: addrs("242.0.0.1"), Conditions: []metav1.Condition{allocated, ready, summary}}})
	if got := step(t, m, ipam.Synced{At: t0}); !slices.Equal(got, []string{"Lookup default/a"}) {
		t.Fatalf("Synced: %v", got)
	}
	if got := step(t, m, ipam.LookupResult{Owner: owner("a"), Class: lookup.Found, Addresses: addrs("242.0.0.1"), At: t0.Add(time.Hour)}); len(got) != 0 {
		t.Errorf("Found for a ready dependency: %v, want nothing", got)
	}
}

// A failed ensure shows on the owner while it lasts, keeps the address and
// retries; success clears it.
func TestEnsureFailureIsReported(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	got := step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Failed,
		Class: lookup.Transient, Message: "etcd timeout", Addresses: addrs("242.0.0.1"), At: t0})
	if len(got) != 3 || got[0] != "SetCondition default/a DependencyReady=False/EnsureFailed" ||
		!strings.HasPrefix(got[1], "RetryAfter default/a EnsureDependency") || got[2] != "SetCondition default/a Ready=False/EnsureFailed" {
		t.Fatalf("failed ensure: %v", got)
	}
	got = step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	if !slices.Equal(got, []string{"SetCondition default/a DependencyReady=True/DependencyEnsured", "SetCondition default/a Ready=True/Ready"}) {
		t.Errorf("ensured: %v", got)
	}
	if a, _ := m.Addresses("default", "a"); !cmp.Equal(a, addrs("242.0.0.1"), equateNetip) {
		t.Errorf("holds %v", a)
	}
}

// With ReleaseOnNotFound, an owner whose dependency is gone gets new
// addresses, but its old ones go to nobody else until its status records
// the new ones and its dependency carries them: until then a restart
// would find two owners recording them and move the younger one's
// address.
func TestReallocationRetiresUntilShown(t *testing.T) {
	m := newMachine(t, ipam.Config{ReleaseOnNotFound: true})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	got := step(t, m, ipam.LookupResult{Owner: owner("a"), Class: lookup.NotFound, At: t0})
	want := []string{
		"WriteStatus default/a [242.0.0.2]",
		"SetCondition default/a Allocated=True/Reallocated",
		"Notify default/a Warning/Reallocated",
		"SetCondition default/a DependencyReady=False/Reallocated",
		"SetCondition default/a Ready=False/Reallocated",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("NotFound (-want +got):\n%s", diff)
	}
	// Next-fit would hand out .1 after .6: fill the pool so it must choose.
	for _, name := range []string{"b", "c", "d", "e"} {
		step(t, m, ipam.Observed{Owner: owner(name), Want: 1, At: t0})
	}
	if got := step(t, m, ipam.Observed{Owner: owner("f"), Want: 1, At: t0}); !slices.Equal(got, []string{"SetCondition default/f Allocated=False/PoolExhausted",
		"Notify default/f Warning/PoolExhausted", "SetCondition default/f Ready=False/PoolExhausted"}) {
		t.Fatalf("f got %v, want to wait: a's old address is not free yet", got)
	}
	// A write of the old addresses landing late changes nothing.
	if got := step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0}); len(got) != 0 {
		t.Fatalf("stale write: %v", got)
	}
	got = step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.2"), At: t0})
	if !slices.Equal(got, []string{"EnsureDependency default/a [242.0.0.2]"}) {
		t.Fatalf("new status shown: %v, want the dependency ensured with the new address, and .1 kept", got)
	}
	got = step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Done, Addresses: addrs("242.0.0.2"), At: t0})
	want = []string{
		"SetCondition default/a DependencyReady=True/DependencyEnsured",
		"Release default/a [242.0.0.1]",
		"WriteStatus default/f [242.0.0.1]",
		"SetCondition default/f Allocated=True/Allocated",
		"Notify default/f Normal/Allocated",
		"SetCondition default/a Ready=True/Ready",
		"SetCondition default/f Ready=True/Ready",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("new dependency ensured (-want +got):\n%s", diff)
	}
}

func TestEventJSONRoundTrip(t *testing.T) {
	for _, ev := range []ipam.Event{
		ipam.Observed{Owner: owner("a"), CreatedAt: t0, Want: 2, DependsOn: true, Status: ipam.Status{Addresses: addrs("242.0.0.1", "242.0.0.2")}, At: t0},
		ipam.Deleted{Owner: owner("a"), At: t0},
		ipam.Synced{At: t0},
		ipam.LookupResult{Owner: owner("a"), Class: lookup.Transient, Message: "timeout", At: t0},
		ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Failed, Class: lookup.Permanent, At: t0},
		ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0},
		ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Unknown, Addresses: addrs("242.0.0.1"), At: t0},
		ipam.LookupResult{Owner: owner("a"), Class: lookup.Found, Addresses: addrs("242.0.0.1"), At: t0},
		ipam.RetryDue{Owner: owner("a"), Kind: ipam.WriteStatus, At: t0},
	} {
		data, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ipam.UnmarshalEvent(data)
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if diff := cmp.Diff(ev, back, equateNetip); diff != "" {
			t.Errorf("%s (-sent +decoded):\n%s", data, diff)
		}
	}
	e := ipam.Effect{Kind: ipam.RetryAfter, Owner: owner("a"), Delay: time.Second, Retry: ipam.Lookup}
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back ipam.Effect
	if err := json.Unmarshal(data, &back); err != nil || !cmp.Equal(e, back, equateNetip) {
		t.Errorf("effect %s came back as %+v (%v)", data, back, err)
	}
}
