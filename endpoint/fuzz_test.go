package endpoint_test

import (
	"encoding/json"
	"errors"
	"maps"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshstate/meshstate/endpoint"
)

// fzOpts compares endpoints, events and snapshots: netip values by ==, times
// by Equal (cmp uses the method).
var fzOpts = cmp.Options{cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})}

// fzSentinels are the errors Step may wrap.
var fzSentinels = []error{
	endpoint.ErrInvalidEndpoint, endpoint.ErrClusterChanged, endpoint.ErrOrderChanged,
	endpoint.ErrUnknownEndpoint, endpoint.ErrUIDMismatch, endpoint.ErrInvalidEvent,
}

// fzCheckErr fails unless err is a *RejectedError wrapping one of the
// sentinels, and returns the sentinel.
func fzCheckErr(t *testing.T, err error) error {
	t.Helper()
	var re *endpoint.RejectedError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *endpoint.RejectedError", err, err)
	}
	for _, s := range fzSentinels {
		if errors.Is(err, s) {
			if re.Err != s {
				t.Fatalf("error %v wraps %v but its Err is %v", err, s, re.Err)
			}
			_ = err.Error() // must not panic
			return s
		}
	}
	t.Fatalf("error %v wraps none of the package's sentinels", err)
	return nil
}

var fzSampleEndpoint = endpoint.Endpoint{
	Name:          "east-submariner-cable-east-10-0-0-1",
	UID:           "0b9d3c2e-6a53-4c1b-9a7c-1b6f1f2d9e01",
	ClusterID:     "east",
	CableName:     "submariner-cable-east-10-0-0-1",
	Hostname:      "east-worker",
	Subnets:       []netip.Prefix{netip.MustParsePrefix("10.42.0.0/16"), netip.MustParsePrefix("fd00:42::/64")},
	PrivateIP:     netip.MustParseAddr("10.0.0.1"),
	PublicIP:      netip.MustParseAddr("203.0.113.7"),
	HealthCheckIP: netip.MustParseAddr("fe80::1%eth0"),
	Backend:       "libreswan",
	BackendConfig: map[string]string{"natt-discovery-port": "4490", "public-ip": "ipv4:203.0.113.7"},
	CreatedAt:     time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
	Sequence:      42,
}

// FuzzUnmarshalEvent: arbitrary bytes never make UnmarshalEvent panic, and an
// event it accepts re-encodes to JSON that decodes to the same event (and to
// the same bytes again). The decoded event is also fed to a fresh machine,
// which must accept it or reject it with a classified error.
func FuzzUnmarshalEvent(f *testing.F) {
	for _, ev := range []endpoint.Event{
		endpoint.Upsert{Endpoint: fzSampleEndpoint},
		endpoint.Upsert{Endpoint: endpoint.Endpoint{Name: "a", ClusterID: "b"}},
		endpoint.Delete{Name: "a", UID: "u"},
		endpoint.Delete{},
		endpoint.Synced{},
	} {
		data, err := json.Marshal(ev)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `"Upsert"`, `{"type":null}`, `{"type":"Nope"}`, `{"type":"Synced","x":1}`,
		`{"type":"Upsert"}`, `{"type":"Upsert","endpoint":null}`, `{"type":"Upsert","endpoint":{}}`,
		`{"type":"Upsert","endpoint":{"name":"A","clusterID":"-x","subnets":["10.0.0.1/8","10.0.0.0/8"]}}`,
		`{"type":"Upsert","endpoint":{"subnets":["nonsense"]}}`,
		`{"type":"Upsert","endpoint":{"privateIP":"fe80::1%eth0","publicIP":"::ffff:1.2.3.4","healthCheckIP":""}}`,
		`{"type":"Upsert","endpoint":{"createdAt":"2026-01-02T03:04:05.123456789+05:30","sequence":18446744073709551615}}`,
		`{"type":"Upsert","endpoint":{"createdAt":"0001-01-01T00:00:00Z"}}`,
		`{"type":"Upsert","endpoint":{"backendConfig":{},"subnets":[]}}`,
		`{"type":"Upsert","endpoint":{"name":"\u00e9\ud800","backendConfig":{"k":"v","":""}}}`,
		`{"TYPE":"Delete","NAME":"x"}`, `{"type":"Delete","name":1}`, `{"type":"Delete","type":"Synced"}`,
		"{\"type\":\"Delete\",\"name\":\"\xff\xfe\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := endpoint.UnmarshalEvent(data)
		if err != nil {
			if ev != nil {
				t.Fatalf("UnmarshalEvent(%q) returned %#v beside error %v", data, ev, err)
			}
			return
		}
		if ev == nil {
			t.Fatalf("UnmarshalEvent(%q) returned a nil event and no error", data)
		}
		enc, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("UnmarshalEvent(%q) = %#v, which does not marshal: %v", data, ev, err)
		}
		ev2, err := endpoint.UnmarshalEvent(enc)
		if err != nil {
			t.Fatalf("re-encoded event %s does not decode: %v", enc, err)
		}
		// Empty and absent subnets and backend configurations encode alike
		// (omitempty); Endpoint.Equal treats them alike too.
		if diff := cmp.Diff(ev, ev2, fzOpts, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q via %s (-first +second):\n%s", data, enc, diff)
		}
		if u, ok := ev.(endpoint.Upsert); ok {
			u2 := ev2.(endpoint.Upsert)
			if !u.Endpoint.Equal(&u2.Endpoint) {
				t.Fatalf("round trip of %q via %s: Endpoint.Equal is false", data, enc)
			}
		}
		enc2, err := json.Marshal(ev2)
		if err != nil {
			t.Fatalf("second marshal of %s: %v", enc, err)
		}
		if string(enc) != string(enc2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", enc, enc2)
		}
		// Whatever decodes must be safe to feed to a machine.
		for _, local := range []string{"", "east"} {
			m, err := endpoint.New(endpoint.Config{LocalClusterID: local})
			if err != nil {
				t.Fatal(err)
			}
			m.MarkSynced()
			before := fzSnapshot(m, fzEventNames(ev), nil)
			if _, err := m.Step(ev); err != nil {
				fzCheckErr(t, err)
				if diff := cmp.Diff(before, fzSnapshot(m, fzEventNames(ev), nil), fzOpts); diff != "" {
					t.Fatalf("rejected %#v changed the state (-before +after):\n%s", ev, diff)
				}
			}
		}
	})
}

func fzEventNames(ev endpoint.Event) []string {
	switch ev := ev.(type) {
	case endpoint.Upsert:
		return []string{ev.Endpoint.Name}
	case endpoint.Delete:
		return []string{ev.Name}
	}
	return nil
}

// fzState is what a machine lets its users observe.
type fzState struct {
	Synced   bool
	Stats    endpoint.Stats
	Clusters []string
	Active   map[string]endpoint.Endpoint // cluster ID -> active endpoint
	Tracked  map[string]endpoint.Endpoint // name -> Get
	Stale    map[string]bool              // name -> Stale
}

func fzSnapshot(m *endpoint.Machine, names, clusters []string) fzState {
	s := fzState{
		Synced:   m.HasSynced(),
		Stats:    m.Stats(),
		Clusters: m.Clusters(),
		Active:   make(map[string]endpoint.Endpoint),
		Tracked:  make(map[string]endpoint.Endpoint),
		Stale:    make(map[string]bool),
	}
	for _, id := range append(slices.Clone(clusters), s.Clusters...) {
		if ep, ok := m.Active(id); ok {
			s.Active[id] = ep
		}
	}
	for _, name := range names {
		if ep, ok := m.Get(name); ok {
			s.Tracked[name] = ep
		}
		if m.Stale(name) {
			s.Stale[name] = true
		}
	}
	return s
}

// FuzzStep runs a fuzzed sequence of valid and invalid events through a
// machine and checks: Step never panics; a rejected event returns no
// notifications, a *RejectedError wrapping one of the sentinels, and leaves
// everything observable unchanged; an accepted one keeps the announcement
// ledger straight (announce once, update and retire only what is
// announced, nothing before Synced); and a replay gives the same outcome.
func FuzzStep(f *testing.F) {
	for _, seed := range fzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, evs := fzProgram(data)
		m, err := endpoint.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		// Every name and cluster ID the events mention, to observe them.
		var names, clusters []string
		for _, ev := range evs {
			switch ev := ev.(type) {
			case endpoint.Upsert:
				names, clusters = append(names, ev.Endpoint.Name), append(clusters, ev.Endpoint.ClusterID)
			case *endpoint.Upsert:
				if ev != nil {
					names, clusters = append(names, ev.Endpoint.Name), append(clusters, ev.Endpoint.ClusterID)
				}
			case endpoint.Delete:
				names = append(names, ev.Name)
			case *endpoint.Delete:
				if ev != nil {
					names = append(names, ev.Name)
				}
			}
		}
		slices.Sort(names)
		names = slices.Compact(names)
		slices.Sort(clusters)
		clusters = slices.Compact(clusters)

		type outcome struct {
			Notifications []endpoint.Effect
			Err           string
		}
		var outcomes []outcome
		announced := make(map[string]bool)
		for i, ev := range evs {
			before := fzSnapshot(m, names, clusters)
			ns, err := m.Step(ev)
			o := outcome{Notifications: ns}
			if err != nil {
				o.Err = err.Error()
			}
			outcomes = append(outcomes, o)
			if err != nil {
				fzCheckErr(t, err)
				if len(ns) != 0 {
					t.Fatalf("event %d %#v: error %v together with notifications %v", i, ev, err, ns)
				}
				if diff := cmp.Diff(before, fzSnapshot(m, names, clusters), fzOpts); diff != "" {
					t.Fatalf("event %d %#v rejected (%v) but the state changed (-before +after):\n%s", i, ev, err, diff)
				}
				continue
			}
			if !m.HasSynced() && len(ns) > 0 {
				t.Fatalf("event %d %#v: notifications %v before Synced", i, ev, ns)
			}
			for _, n := range ns {
				name := n.Endpoint.Name
				switch {
				case n.Kind.Announces():
					if announced[name] {
						t.Fatalf("event %d %#v: %v announces an endpoint already announced", i, ev, n)
					}
					announced[name] = true
				case n.Kind.Retires():
					if !announced[name] {
						t.Fatalf("event %d %#v: %v retires an endpoint that is not announced", i, ev, n)
					}
					delete(announced, name)
				default:
					if !announced[name] {
						t.Fatalf("event %d %#v: %v updates an endpoint that is not announced", i, ev, n)
					}
				}
				if local := cfg.LocalClusterID != "" && n.Endpoint.ClusterID == cfg.LocalClusterID; n.Kind.Local() != local {
					t.Fatalf("event %d %#v: %v is on the wrong side", i, ev, n)
				}
			}
			fzCheckState(t, i, m, names, announced)
		}

		// Determinism: the same events give the same outcomes.
		m2, _ := endpoint.New(cfg)
		for i, ev := range evs {
			ns, err := m2.Step(ev)
			o := outcome{Notifications: ns}
			if err != nil {
				o.Err = err.Error()
			}
			if diff := cmp.Diff(outcomes[i], o, fzOpts); diff != "" {
				t.Fatalf("replay differs at event %d %#v (-first +replay):\n%s", i, ev, diff)
			}
		}
	})
}

// fzCheckState checks the machine's queries against each other and against
// the announcement ledger.
func fzCheckState(t *testing.T, i int, m *endpoint.Machine, names []string, announced map[string]bool) {
	t.Helper()
	st := m.Stats()
	if st.Announced != len(announced) {
		t.Fatalf("after event %d: Stats().Announced = %d, ledger has %d (%v)", i, st.Announced, len(announced), announced)
	}
	tracked, ids := 0, make(map[string]bool)
	for _, name := range names {
		ep, ok := m.Get(name)
		if !ok {
			if announced[name] {
				t.Fatalf("after event %d: %q is announced but not tracked", i, name)
			}
			if m.Stale(name) {
				t.Fatalf("after event %d: untracked %q is stale", i, name)
			}
			continue
		}
		tracked++
		ids[ep.ClusterID] = true
		act, ok := m.Active(ep.ClusterID)
		isActive := ok && act.Name == name
		if m.Stale(name) == isActive {
			t.Fatalf("after event %d: %q Stale()=%v but active=%v", i, name, m.Stale(name), isActive)
		}
		if isActive && m.HasSynced() && !announced[name] {
			t.Fatalf("after event %d: active %q was never announced", i, name)
		}
	}
	if st.Endpoints != tracked {
		t.Fatalf("after event %d: Stats().Endpoints = %d, Get finds %d", i, st.Endpoints, tracked)
	}
	if got, want := m.Clusters(), slices.Sorted(maps.Keys(ids)); !slices.Equal(got, want) {
		t.Fatalf("after event %d: Clusters() = %q, tracked endpoints are in %q", i, got, want)
	}
	active := 0
	for _, id := range m.Clusters() {
		if _, ok := m.Active(id); ok {
			active++
		}
	}
	if st.Clusters != len(ids) || st.Active != active {
		t.Fatalf("after event %d: Stats() = %+v, want %d clusters, %d active", i, st, len(ids), active)
	}
}
