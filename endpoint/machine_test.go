package endpoint_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meshstate/meshstate/endpoint"
)

var t0 = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)

func ep(name, cluster string, seq uint64) endpoint.Endpoint {
	return endpoint.Endpoint{
		Name: name, UID: "uid-" + name, ClusterID: cluster, CreatedAt: t0, Sequence: seq,
		Subnets: []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")},
	}
}

func mustNew(t *testing.T, cfg endpoint.Config) *endpoint.Machine {
	t.Helper()
	m, err := endpoint.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func kinds(ns []endpoint.Effect) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.String())
	}
	return out
}

func TestNewRejectsInvalidLocalClusterID(t *testing.T) {
	if _, err := endpoint.New(endpoint.Config{LocalClusterID: "West"}); !errors.Is(err, endpoint.ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
}

func TestStepRejectsForeignEvents(t *testing.T) {
	type foreign struct{ endpoint.Event }
	m := mustNew(t, endpoint.Config{})
	for _, ev := range []endpoint.Event{nil, (*endpoint.Upsert)(nil), (*endpoint.Delete)(nil), foreign{}} {
		ns, err := m.Step(ev)
		var rej *endpoint.RejectedError
		if !errors.Is(err, endpoint.ErrInvalidEvent) || !errors.As(err, &rej) || ns != nil {
			t.Errorf("Step(%#v) = %v, %v; want ErrInvalidEvent", ev, ns, err)
		}
	}
}

func TestStepAcceptsPointerEvents(t *testing.T) {
	m := mustNew(t, endpoint.Config{})
	a := ep("east-a", "east", 0)
	steps := []struct {
		ev   endpoint.Event
		want []string
	}{
		{&endpoint.Synced{}, []string{}},
		{&endpoint.Upsert{Endpoint: a}, []string{"RemoteEndpointCreated east-a"}},
		{&endpoint.Delete{Name: "east-a"}, []string{"RemoteEndpointRemoved east-a"}},
	}
	for _, s := range steps {
		ns, err := m.Step(s.ev)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.want, kinds(ns)); diff != "" {
			t.Errorf("%T: (-want +got)\n%s", s.ev, diff)
		}
	}
}

func TestUpdates(t *testing.T) {
	m := mustNew(t, endpoint.Config{LocalClusterID: "west"})
	m.MarkSynced()
	w := ep("west-a", "west", 0)
	for _, s := range []struct {
		name string
		ep   endpoint.Endpoint
		want []string
	}{
		{"create", w, []string{"LocalEndpointCreated west-a"}},
		{"resync without change", w, []string{}},
		{"change", func() endpoint.Endpoint { c := w; c.Hostname = "gw-2"; return c }(), []string{"LocalEndpointUpdated west-a"}},
		{"update without UID keeps it", func() endpoint.Endpoint { c := w; c.Hostname = "gw-2"; c.UID = ""; return c }(), []string{}},
	} {
		ns, err := m.Upsert(s.ep)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if diff := cmp.Diff(s.want, kinds(ns)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", s.name, diff)
		}
	}
	if got := m.MarkSynced(); got != nil {
		t.Errorf("second MarkSynced = %v, want nothing", got)
	}
}

func TestQueries(t *testing.T) {
	m := mustNew(t, endpoint.Config{})
	for _, e := range []endpoint.Endpoint{ep("east-a", "east", 1), ep("east-b", "east", 2), ep("south-a", "south", 1)} {
		if _, err := m.Upsert(e); err != nil {
			t.Fatal(err)
		}
	}
	if got := m.Clusters(); !cmp.Equal(got, []string{"east", "south"}) {
		t.Errorf("Clusters = %v", got)
	}
	if a, ok := m.Active("east"); !ok || a.Name != "east-b" {
		t.Errorf("Active(east) = %q %v", a.Name, ok)
	}
	if !m.Stale("east-a") || m.Stale("east-b") || m.Stale("nobody") {
		t.Error("Stale disagrees with the order")
	}
	if _, ok := m.Get("east-a"); !ok {
		t.Error("Get(east-a) lost a stale endpoint")
	}
	if m.HasSynced() {
		t.Error("HasSynced before MarkSynced")
	}
	want := endpoint.Stats{Clusters: 2, Endpoints: 3, Active: 2, Announced: 0}
	if diff := cmp.Diff(want, m.Stats()); diff != "" {
		t.Errorf("Stats before sync (-want +got)\n%s", diff)
	}
	m.MarkSynced()
	want.Announced = 2
	if diff := cmp.Diff(want, m.Stats()); diff != "" {
		t.Errorf("Stats after sync (-want +got)\n%s", diff)
	}
}

func TestKindJSON(t *testing.T) {
	n := endpoint.Effect{Kind: endpoint.StaleRemoteEndpointRemoved, Endpoint: ep("east-a", "east", 1)}
	data, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	var back endpoint.Effect
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Kind != n.Kind || !back.Endpoint.Equal(&n.Endpoint) {
		t.Errorf("round trip: %s became %+v", data, back)
	}
	if _, err := json.Marshal(endpoint.Kind(0)); err == nil {
		t.Error("marshalled the zero Kind")
	}
	var k endpoint.Kind
	if err := json.Unmarshal([]byte(`"RemoteEndpointGone"`), &k); err == nil {
		t.Error("unmarshalled an unknown kind")
	}
	if s := endpoint.Kind(42).String(); s != "Kind(42)" {
		t.Errorf("String = %q", s)
	}
}

func TestDeliver(t *testing.T) {
	var got []string
	record := func(what string) func(*endpoint.Endpoint) error {
		return func(ep *endpoint.Endpoint) error { got = append(got, what+" "+ep.Name); return nil }
	}
	all := endpoint.HandlerFuncs{
		RemoteCreated: record("rc"), RemoteUpdated: record("ru"), RemoteRemoved: record("rr"), StaleRemoteGone: record("rs"),
		LocalCreated: record("lc"), LocalUpdated: record("lu"), LocalRemoved: record("lr"), StaleLocalGone: record("ls"),
	}
	type remoteOnly struct{ endpoint.Handler }
	e := ep("x", "c", 0)
	for k := endpoint.LocalEndpointCreated; k <= endpoint.StaleRemoteEndpointRemoved; k++ {
		for _, h := range []endpoint.Handler{all, remoteOnly{all}} {
			if err := endpoint.Deliver(h, endpoint.Effect{Kind: k, Endpoint: e}); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := []string{"lc x", "lu x", "lr x", "ls x", "rc x", "rc x", "ru x", "ru x", "rr x", "rr x", "rs x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delivered (-want +got)\n%s", diff)
	}
	var unknown *endpoint.UnknownKindError
	if err := endpoint.Deliver(all, endpoint.Effect{}); !errors.As(err, &unknown) {
		t.Errorf("Deliver(zero kind) = %v", err)
	}
	if err := endpoint.Deliver(endpoint.HandlerFuncs{}, endpoint.Effect{Kind: endpoint.RemoteEndpointCreated}); err != nil {
		t.Errorf("nil funcs must be no-ops: %v", err)
	}
}

func TestRejectedErrorMessage(t *testing.T) {
	bad := ep("east-a", "east", 0)
	bad.Subnets = append(bad.Subnets, netip.MustParsePrefix("10.2.1.0/24"))
	_, err := mustNew(t, endpoint.Config{}).Upsert(bad)
	const want = `endpoint: invalid endpoint: "east-a": subnets[1]: 10.2.1.0/24 overlaps subnets[0] 10.2.0.0/16`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
