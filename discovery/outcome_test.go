package discovery_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/lookup"
	"github.com/meshstate/meshstate/retry"
)

var (
	vip1    = netip.MustParseAddr("192.0.2.1")
	vip2    = netip.MustParseAddr("192.0.2.2")
	ready   = true
	epoch   = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
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

// A synced VIP machine advertising vip1 for default/web.
func vipWorld(t *testing.T) *discovery.VIPMachine {
	t.Helper()
	m, err := discovery.NewVIPMachine(discovery.VIPConfig{NodeName: "node-a"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []discovery.VIPEvent{
		discovery.ServiceUpsert{Service: discovery.VIPService{Namespace: "default", Name: "web", UID: "u1",
			Type: discovery.ServiceTypeLoadBalancer, VIPs: []netip.Addr{vip1}}},
		discovery.SliceUpsert{Slice: discovery.VIPSlice{Namespace: "default", Name: "web-1", UID: "s1", ServiceName: "web",
			Endpoints: []discovery.SliceEndpoint{{Conditions: discovery.SliceConditions{Ready: &ready}}}}},
		discovery.ServicesSynced{}, discovery.SlicesSynced{},
	} {
		mustStep(t, m.Step, ev)
	}
	return m
}

// A failed Advertise is retried after the default schedule's first delay,
// keyed by the VIP; the Service moves to another VIP before the retry is
// due, so the retry is superseded by the Withdraw and yields nothing.
func TestVIPRetrySuperseded(t *testing.T) {
	m := vipWorld(t)
	got := mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1,
		Outcome: discovery.Failed, Class: lookup.Transient}))
	want := []discovery.VIPEffect{{Kind: discovery.VIPRetryAfter, Retry: discovery.RetryVIP, VIP: vip1,
		Delay: retry.DefaultSchedule().Delay(vip1.String(), 0)}}
	if diff := cmp.Diff(want, got, addrCmp); diff != "" {
		t.Fatalf("failed Advertise (-want +got):\n%s", diff)
	}
	got = mustStep(t, m.Step, discovery.VIPEvent(discovery.ServiceUpsert{Service: discovery.VIPService{Namespace: "default",
		Name: "web", UID: "u1", Type: discovery.ServiceTypeLoadBalancer, VIPs: []netip.Addr{vip2}}}))
	if len(got) != 2 || got[0].Kind != discovery.Withdraw || got[1].Kind != discovery.Advertise {
		t.Fatalf("move: %v", got)
	}
	if got := mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPRetryDue{Kind: discovery.RetryVIP, VIP: vip1})); len(got) != 0 {
		t.Fatalf("superseded retry: %v", got)
	}
}

// An Unknown Withdraw of a VIP nothing lists any more is kept for its
// retry, which withdraws again; a Permanent failure of the retry waits on
// the slow schedule; Done forgets the VIP.
func TestVIPUnknownWithdrawRetried(t *testing.T) {
	m := vipWorld(t)
	mustStep(t, m.Step, discovery.VIPEvent(discovery.ServiceDeleted{Namespace: "default", Name: "web"}))
	got := mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPApplied{Effect: discovery.Withdraw, VIP: vip1, Outcome: discovery.Unknown}))
	if len(got) != 1 || got[0].Kind != discovery.VIPRetryAfter {
		t.Fatalf("unknown Withdraw: %v", got)
	}
	got = mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPRetryDue{Kind: discovery.RetryVIP, VIP: vip1}))
	if len(got) != 1 || got[0].Kind != discovery.Withdraw || got[0].VIP != vip1 {
		t.Fatalf("due retry: %v", got)
	}
	got = mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPApplied{Effect: discovery.Withdraw, VIP: vip1,
		Outcome: discovery.Failed, Class: lookup.Permanent}))
	if d := retry.SlowSchedule().Delay(vip1.String(), 1); len(got) != 1 || got[0].Delay != d {
		t.Fatalf("permanent failure: %v, want a retry in %v", got, d)
	}
	mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPApplied{Effect: discovery.Withdraw, VIP: vip1, Outcome: discovery.Done}))
	if got := mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPRetryDue{Kind: discovery.RetryVIP, VIP: vip1})); len(got) != 0 {
		t.Fatalf("retry after Done: %v", got)
	}
}

// Issue 12's lost answer: an update of the import to port 8080 loses its
// answer, then the Service goes back to port 80, which the observed
// (possibly stale) import already shows. The machine does not take that
// copy for the server's state: the retry writes port 80 again.
func TestExportUnknownWriteNotCancelledByStaleCopy(t *testing.T) {
	m, err := discovery.NewExportMachine(discovery.ExportConfig{ClusterID: "west"})
	if err != nil {
		t.Fatal(err)
	}
	port := func(p int32) []discovery.ExportPort { return []discovery.ExportPort{{Protocol: "TCP", Port: p}} }
	export := func(p int32) discovery.ExportEvent {
		return discovery.ExportObserved{Namespace: "default", Name: "web", CreatedAt: epoch,
			Service: discovery.ExportService{Type: discovery.ExportServiceClusterIP, Ports: port(p)}, At: epoch}
	}
	imp80 := discovery.Import{Namespace: "default", Name: "web", Owner: "west", Type: discovery.ImportClusterSetIP,
		Ports: port(80), ExportCreatedAt: epoch}
	for _, ev := range []discovery.ExportEvent{export(80), discovery.ImportObserved{Import: imp80},
		discovery.ExportsSynced{}, discovery.ImportsSynced{}} {
		mustStep(t, m.Step, ev)
	}
	got := mustStep(t, m.Step, export(8080))
	if n := len(got); n == 0 || got[n-1].Kind != discovery.ImportUpsert || got[n-1].Import.Ports[0].Port != 8080 {
		t.Fatalf("port change: %v", got)
	}
	got = mustStep(t, m.Step, discovery.ExportEvent(discovery.ExportApplied{Namespace: "default", Name: "web",
		Effect: discovery.ImportUpsert, Outcome: discovery.Unknown}))
	if len(got) != 1 || got[0].Kind != discovery.ExportRetryAfter || got[0].Retry != discovery.RetryImport {
		t.Fatalf("unknown outcome: %v", got)
	}
	for _, e := range mustStep(t, m.Step, export(80)) {
		if e.Kind != discovery.ExportSetCondition {
			t.Fatalf("back to port 80, which the observed copy shows: %v (the retry stands)", e)
		}
	}
	got = mustStep(t, m.Step, discovery.ExportEvent(discovery.ExportRetryDue{Kind: discovery.RetryImport, Namespace: "default", Name: "web"}))
	if len(got) != 1 || got[0].Kind != discovery.ImportUpsert || !got[0].Import.Equal(imp80) {
		t.Fatalf("due retry: %v, want port 80 written again", got)
	}
	// A Failed write, by contrast, did not land: once the observed copy
	// shows what is wanted, its retry writes nothing.
	mustStep(t, m.Step, discovery.ExportEvent(discovery.ExportApplied{Namespace: "default", Name: "web",
		Effect: discovery.ImportUpsert, Outcome: discovery.Done}))
	mustStep(t, m.Step, export(8080))
	mustStep(t, m.Step, discovery.ExportEvent(discovery.ExportApplied{Namespace: "default", Name: "web",
		Effect: discovery.ImportUpsert, Outcome: discovery.Failed, Class: lookup.Transient}))
	mustStep(t, m.Step, export(80))
	if got := mustStep(t, m.Step, discovery.ExportEvent(discovery.ExportRetryDue{Kind: discovery.RetryImport, Namespace: "default", Name: "web"})); len(got) != 0 {
		t.Fatalf("retry of a failed write, the observed copy as wanted: %v", got)
	}
}

// Malformed outcomes and retries are rejected with the machine's typed
// errors and change nothing: the next valid event gives what it gives a
// twin that never saw them.
func TestOutcomeRejections(t *testing.T) {
	for _, ev := range []discovery.VIPEvent{
		discovery.VIPApplied{Effect: discovery.VIPRetryAfter, VIP: vip1, Outcome: discovery.Done},
		discovery.VIPApplied{Effect: discovery.Advertise, Outcome: discovery.Done},
		discovery.VIPApplied{Effect: discovery.Commit, VIP: vip1, Outcome: discovery.Done},
		discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1, Outcome: 9},
		discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1, Outcome: discovery.Failed},
		discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1, Outcome: discovery.Failed, Class: lookup.Found},
		discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1, Outcome: discovery.Done, Class: lookup.Transient},
		discovery.VIPRetryDue{Kind: discovery.RetryImport, VIP: vip1},
		discovery.VIPRetryDue{Kind: discovery.RetryVIP},
		discovery.VIPRetryDue{Kind: discovery.RetryCommit, VIP: vip1},
	} {
		m, twin := vipWorld(t), vipWorld(t)
		mustStep(t, m.Step, discovery.VIPEvent(discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1,
			Outcome: discovery.Failed, Class: lookup.Transient}))
		mustStep(t, twin.Step, discovery.VIPEvent(discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1,
			Outcome: discovery.Failed, Class: lookup.Transient}))
		got, err := m.Step(ev)
		var rej *discovery.VIPRejectedError
		if !errors.Is(err, discovery.ErrInvalidVIPEvent) || !errors.As(err, &rej) || len(got) != 0 {
			t.Errorf("%T%+v: %v, %v; want a *VIPRejectedError wrapping ErrInvalidVIPEvent", ev, ev, got, err)
			continue
		}
		due := discovery.VIPRetryDue{Kind: discovery.RetryVIP, VIP: vip1}
		if diff := cmp.Diff(mustStep(t, twin.Step, discovery.VIPEvent(due)), mustStep(t, m.Step, discovery.VIPEvent(due)), addrCmp); diff != "" {
			t.Errorf("after rejecting %+v the machine differs (-twin +machine):\n%s", ev, diff)
		}
	}
	m, err := discovery.NewExportMachine(discovery.ExportConfig{ClusterID: "west"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []discovery.ExportEvent{
		discovery.ExportApplied{Namespace: "default", Name: "web", Effect: discovery.ExportRetryAfter, Outcome: discovery.Done},
		discovery.ExportApplied{Namespace: "Default", Name: "web", Effect: discovery.ImportUpsert, Outcome: discovery.Done},
		discovery.ExportApplied{Namespace: "default", Name: "web", Effect: discovery.ImportDelete, Outcome: discovery.Failed},
		discovery.ExportRetryDue{Kind: discovery.RetryVIP, Namespace: "default", Name: "web"},
		discovery.ExportRetryDue{Kind: discovery.RetryImport, Namespace: "default"},
	} {
		got, err := m.Step(ev)
		var rej *discovery.ExportRejectedError
		if !errors.Is(err, discovery.ErrInvalidExportEvent) || !errors.As(err, &rej) || len(got) != 0 {
			t.Errorf("%T%+v: %v, %v; want an *ExportRejectedError wrapping ErrInvalidExportEvent", ev, ev, got, err)
		}
	}
	if _, err := discovery.NewVIPMachine(discovery.VIPConfig{NodeName: "n", Retry: retry.Schedule{Initial: -1}}); !errors.Is(err, discovery.ErrInvalidVIPConfig) {
		t.Errorf("invalid retry schedule: %v", err)
	}
}

// The new events and effects encode with a type tag and decode back.
func TestOutcomeJSON(t *testing.T) {
	for _, ev := range []discovery.VIPEvent{
		discovery.VIPApplied{Effect: discovery.Advertise, VIP: vip1, Outcome: discovery.Failed, Class: lookup.Permanent, Message: "forbidden"},
		discovery.VIPApplied{Effect: discovery.Commit, Outcome: discovery.Unknown},
		discovery.VIPRetryDue{Kind: discovery.RetryVIP, VIP: vip1},
		discovery.VIPRetryDue{Kind: discovery.RetryCommit},
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := discovery.UnmarshalVIPEvent(b)
		if err != nil || !cmp.Equal(ev, back, addrCmp) {
			t.Errorf("%s decodes to %+v, %v", b, back, err)
		}
	}
	for _, ev := range []discovery.ExportEvent{
		discovery.ExportApplied{Namespace: "default", Name: "web", Effect: discovery.ExportSetCondition, Outcome: discovery.Conflict, At: epoch},
		discovery.ExportRetryDue{Kind: discovery.RetryConditions, Namespace: "default", Name: "web", At: epoch},
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := discovery.UnmarshalExportEvent(b)
		if err != nil || !cmp.Equal(ev, back) {
			t.Errorf("%s decodes to %+v, %v", b, back, err)
		}
	}
	for _, e := range []any{
		discovery.VIPEffect{Kind: discovery.VIPRetryAfter, Retry: discovery.RetryVIP, VIP: vip1, Delay: time.Second},
		discovery.ExportEffect{Kind: discovery.ExportRetryAfter, Retry: discovery.RetryImport, Namespace: "a", Name: "b", Delay: time.Second},
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
