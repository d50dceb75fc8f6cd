package ipam_test

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/lookup"
)

// prefixed reports whether got is one effect starting with prefix.
func prefixed(got []string, prefix string) bool {
	return len(got) == 1 && strings.HasPrefix(got[0], prefix)
}

// The field sequence of issue 12, with ReleaseOnNotFound: a retry of a
// failed status write falls due after the owner was reallocated and its
// old address went to another owner. The retry carries no address, the
// newer write superseded it, so it writes nothing; before, it wrote the
// old address back and two statuses recorded it.
func TestSupersededRetryWritesNothing(t *testing.T) {
	m := newMachine(t, ipam.Config{ReleaseOnNotFound: true})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	// A requeue from a stale cache gets the write again, and it fails.
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	got := step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Failed,
		Class: lookup.Transient, Addresses: addrs("242.0.0.1"), At: t0})
	if !prefixed(got, "RetryAfter default/a WriteStatus") {
		t.Fatalf("failed write: %v", got)
	}
	step(t, m, ipam.LookupResult{Owner: owner("a"), Class: lookup.NotFound, At: t0})
	for _, name := range []string{"b", "c", "d", "e", "f"} {
		step(t, m, ipam.Observed{Owner: owner(name), Want: 1, At: t0})
	}
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.2"), At: t0})
	got = step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Done, Addresses: addrs("242.0.0.2"), At: t0})
	if !slices.Contains(got, "WriteStatus default/f [242.0.0.1]") {
		t.Fatalf("f should get a's old address once a's status and Service show the new one: %v", got)
	}
	if got := step(t, m, ipam.RetryDue{Owner: owner("a"), Kind: ipam.WriteStatus, At: t0}); len(got) != 0 {
		t.Fatalf("the superseded retry: %v, want nothing", got)
	}
}

// A retry that is still current writes what the owner holds when it is
// due, not what it held when it was scheduled.
func TestRetryDueWritesCurrentState(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Conflict, Addresses: addrs("242.0.0.1"), At: t0})
	if got := step(t, m, ipam.RetryDue{Owner: owner("a"), Kind: ipam.WriteStatus, At: t0}); !slices.Equal(got, []string{"WriteStatus default/a [242.0.0.1]"}) {
		t.Fatalf("due: %v", got)
	}
	if got := step(t, m, ipam.RetryDue{Owner: owner("a"), Kind: ipam.WriteStatus, At: t0}); len(got) != 0 {
		t.Fatalf("a second fire of the same retry: %v, want nothing", got)
	}
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Failed, Class: lookup.Transient, Addresses: addrs("242.0.0.1"), At: t0})
	step(t, m, ipam.Deleted{Owner: owner("a"), At: t0})
	_, err := m.Step(ipam.RetryDue{Owner: owner("a"), Kind: ipam.WriteStatus, At: t0})
	if !errors.Is(err, ipam.ErrUnknownOwner) {
		t.Fatalf("retry of a deleted owner: %v, want ErrUnknownOwner", err)
	}
}

// A write whose answer was lost is neither done nor failed: no condition
// says it failed, the status is not taken to record it, and it is asked
// again when due; the observation that shows it landed settles it.
func TestUnknownWriteOutcome(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	got := step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Unknown, Addresses: addrs("242.0.0.1"), At: t0})
	if !prefixed(got, "RetryAfter default/a WriteStatus") {
		t.Fatalf("unknown outcome: %v", got)
	}
	// It landed: the informer shows it, and only now is the address
	// handed to the dependency.
	got = step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0,
		Status: ipam.Status{Addresses: addrs("242.0.0.1")}})
	if !slices.Equal(got, []string{"EnsureDependency default/a [242.0.0.1]"}) {
		t.Fatalf("observed: %v", got)
	}
	got = step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Unknown, Addresses: addrs("242.0.0.1"), At: t0})
	if len(got) != 3 || got[0] != "SetCondition default/a DependencyReady=False/EnsureFailed" ||
		!strings.HasPrefix(got[1], "RetryAfter default/a EnsureDependency") || got[2] != "SetCondition default/a Ready=False/EnsureFailed" {
		t.Fatalf("unknown ensure: %v", got)
	}
	if h := m.Holdings()[0]; h.DependencyKnown {
		t.Fatalf("after a lost ensure answer the dependency is unknown: %+v", h)
	}
}

// The dependency gets an address only once the owner's status records
// it: a restart, which rebuilds from statuses only, could otherwise give
// an address a Service carries to another owner.
func TestDependencyOnlyOnceDurable(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	got := step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	if slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "EnsureDependency") }) {
		t.Fatalf("ensure before the status is written: %v", got)
	}
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Failed, Class: lookup.Transient, Addresses: addrs("242.0.0.1"), At: t0})
	// The Service informer reports the Service missing meanwhile: it was
	// never created, so even with the release option nothing is released.
	got = step(t, m, ipam.LookupResult{Owner: owner("a"), Class: lookup.NotFound, At: t0})
	// Nor is it news: no notice of a missing dependency.
	if !slices.Equal(got, []string{"SetCondition default/a DependencyReady=False/Recreating", "SetCondition default/a Ready=False/Recreating"}) {
		t.Fatalf("NotFound before durable: %v", got)
	}
	got = step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	if !slices.Equal(got, []string{"EnsureDependency default/a [242.0.0.1]"}) {
		t.Fatalf("durable: %v", got)
	}
}

// A Found dependency carrying another address than its owner holds (set
// by hand, or left by a race) is repaired, and the condition says so.
func TestFoundMismatchIsRepaired(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0,
		Status: ipam.Status{Addresses: addrs("242.0.0.1")}})
	step(t, m, ipam.Synced{At: t0})
	got := step(t, m, ipam.LookupResult{Owner: owner("a"), Class: lookup.Found, Addresses: addrs("242.0.0.5"), At: t0})
	want := []string{"EnsureDependency default/a [242.0.0.1]", "SetCondition default/a DependencyReady=False/DependencyMismatch",
		"Notify default/a Warning/DependencyMismatch", "SetCondition default/a Ready=False/DependencyMismatch"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("mismatch (-want +got):\n%s", diff)
	}
	if h := m.Holdings()[0]; !h.DependencyKnown || !cmp.Equal(h.Dependency, addrs("242.0.0.5"), equateNetip) {
		t.Fatalf("Holding: %+v", h)
	}
	got = step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	if !slices.Equal(got, []string{"SetCondition default/a DependencyReady=True/DependencyEnsured",
		"Notify default/a Normal/DependencyRepaired", "SetCondition default/a Ready=True/Ready"}) {
		t.Fatalf("repaired: %v", got)
	}
}

// Rejected retries and outcomes change nothing.
func TestRejectedRetryLeavesStateUnchanged(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, At: t0})
	before := m.Holdings()
	for _, ev := range []ipam.Event{
		ipam.RetryDue{Owner: owner("a"), Kind: ipam.Release, At: t0},
		ipam.RetryDue{Owner: owner("a"), Kind: ipam.RetryAfter, At: t0},
		ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Unknown + 1, At: t0},
		ipam.LookupResult{Owner: owner("a"), Class: lookup.Found, Addresses: []netip.Addr{{}}, At: t0},
	} {
		if _, err := m.Step(ev); !errors.Is(err, ipam.ErrInvalidEvent) {
			t.Errorf("%+v: %v, want ErrInvalidEvent", ev, err)
		}
	}
	if diff := cmp.Diff(before, m.Holdings(), equateNetip); diff != "" {
		t.Fatalf("state changed (-before +after):\n%s", diff)
	}
}

// The Service informer sees the Service our own ensure created before
// the ensure's answer arrives: Found, then Done, make one condition
// change, not two status writes.
func TestFoundThenEnsuredWritesOnce(t *testing.T) {
	m := newMachine(t, ipam.Config{})
	step(t, m, ipam.Synced{At: t0})
	step(t, m, ipam.Observed{Owner: owner("a"), Want: 1, DependsOn: true, At: t0})
	step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.WriteStatus, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0})
	got := step(t, m, ipam.LookupResult{Owner: owner("a"), Class: lookup.Found, Addresses: addrs("242.0.0.1"), At: t0})
	if !slices.Equal(got, []string{"SetCondition default/a DependencyReady=True/Found", "SetCondition default/a Ready=True/Ready"}) {
		t.Fatalf("found: %v", got)
	}
	if got := step(t, m, ipam.Applied{Owner: owner("a"), Effect: ipam.EnsureDependency, Outcome: ipam.Done, Addresses: addrs("242.0.0.1"), At: t0}); len(got) != 0 {
		t.Fatalf("ensured after found: %v, want nothing", got)
	}
}

// Issue 14: the number of addresses an owner asks for is edited while
// no machine runs. A running machine refuses the edit (ErrWantChanged)
// and the owner keeps its addresses; a restarted one decides the same and
// says so truly, instead of moving the owner as if its address had left
// the pool.
func TestWantChangedAcrossRestart(t *testing.T) {
	recorded := ipam.Status{Addresses: addrs("242.0.0.1")}
	running := newMachine(t, ipam.Config{})
	step(t, running, ipam.Observed{Owner: owner("egress"), Want: 1, Status: recorded, At: t0})
	step(t, running, ipam.Synced{At: t0})
	_, err := running.Step(ipam.Observed{Owner: owner("egress"), Want: 3, Status: recorded, At: t0})
	var rej *ipam.RejectedError
	if !errors.Is(err, ipam.ErrWantChanged) || !errors.As(err, &rej) {
		t.Fatalf("running: %v, want ErrWantChanged", err)
	}
	// The refusal is a notice for the user, as the restarted machine's is.
	if n, ok := rej.Notice(); !ok || !n.Warning || n.Reason != ipam.ReasonWantChangeRefused || !strings.Contains(n.Message, "from 1 to 3") {
		t.Errorf("running refusal's notice = %+v, %v", n, ok)
	}
	restarted := newMachine(t, ipam.Config{})
	step(t, restarted, ipam.Observed{Owner: owner("egress"), Want: 3, Status: recorded, At: t0})
	got := step(t, restarted, ipam.Synced{At: t0})
	if !slices.Equal(got, []string{"SetCondition default/egress Allocated=True/CountChangeRefused",
		"Notify default/egress Warning/CountChangeRefused", "SetCondition default/egress Ready=True/Ready"}) {
		t.Fatalf("restarted: %v", got)
	}
	for _, m := range []*ipam.Machine{running, restarted} {
		if a, _ := m.Addresses("default", "egress"); !cmp.Equal(a, addrs("242.0.0.1"), equateNetip) {
			t.Errorf("holds %v, want the recorded address kept", a)
		}
		_, err := m.Step(ipam.Observed{Owner: owner("egress"), Want: 3, Status: recorded, At: t0})
		if !errors.Is(err, ipam.ErrWantChanged) || !errors.As(err, &rej) {
			t.Errorf("a later event with the edited count: %v, want ErrWantChanged", err)
		}
		// The restarted machine's condition has told it: its refusals
		// are no news. The running machine's refusal is a notice each
		// time (the adapter tells it once per generation).
		if _, notify := rej.Notice(); notify != (m == running) {
			t.Errorf("refusal by the running machine %v: notice %v", m == running, notify)
		}
	}
	// Putting the count back clears the refusal.
	got = step(t, restarted, ipam.Observed{Owner: owner("egress"), Want: 1, Status: recorded, At: t0})
	if !slices.Equal(got, []string{"SetCondition default/egress Allocated=True/Recovered", "Notify default/egress Normal/Recovered"}) {
		t.Fatalf("count put back: %v", got)
	}
}
