package routes_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/routes"
)

var (
	gw     = netip.MustParseAddr("192.168.1.2")
	remote = routes.Remote{Cluster: "east", Gateway: gw, Subnets: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}
)

func newMachine(t *testing.T) *routes.Machine {
	t.Helper()
	m, err := routes.New(routes.Config{Table: 150, Protocol: 250,
		PodCIDRs:     []netip.Prefix{netip.MustParsePrefix("10.7.0.0/16")},
		ServiceCIDRs: []netip.Prefix{netip.MustParsePrefix("10.96.0.0/12")}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustStep(t *testing.T, m *routes.Machine, ev routes.Event) []routes.Effect {
	t.Helper()
	ops, err := m.Step(ev)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func TestConfigRejected(t *testing.T) {
	for _, c := range []routes.Config{{Table: 0, Protocol: 250}, {Table: 254, Protocol: 250}, {Table: 150, Protocol: 4},
		{Table: 150, Protocol: 250, PodCIDRs: []netip.Prefix{{}}}} {
		if _, err := routes.New(c); !errors.Is(err, routes.ErrInvalidConfig) {
			t.Errorf("New(%+v) = %v", c, err)
		}
	}
}

func TestHijackRefused(t *testing.T) {
	for _, p := range []string{"0.0.0.0/0", "::/0", "10.7.5.0/24", "10.0.0.0/8", "10.100.0.0/16"} {
		b, _, refused, err := routes.Build(newMachine(t).Config(), netip.Addr{},
			[]routes.Remote{{Cluster: "evil", LinkIndex: 3, Subnets: []netip.Prefix{netip.MustParsePrefix(p)}}})
		if err != nil || len(b) != 0 || len(refused) != 1 || !errors.Is(refused[0], routes.ErrHijack) {
			t.Errorf("%s: routes %v refused %v err %v", p, b, refused, err)
		}
	}
	cfg := newMachine(t).Config()
	cfg.AllowHijack = true
	if b, _, refused, _ := routes.Build(cfg, netip.Addr{}, []routes.Remote{{Cluster: "x", LinkIndex: 3,
		Subnets: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}}}); len(b) != 1 || len(refused) != 0 {
		t.Errorf("AllowHijack: %v %v", b, refused)
	}
}

func TestConflictFirstClusterWins(t *testing.T) {
	m := newMachine(t)
	other := remote
	other.Cluster = "a-west"
	other.Gateway = netip.MustParseAddr("192.168.1.3")
	mustStep(t, m, routes.Desired{Remotes: []routes.Remote{remote, other}})
	if r := m.DesiredRoutes(); len(r) != 1 || r[0].Gateway != other.Gateway {
		t.Fatalf("desired %v", r)
	}
	if rf := m.Refused(); len(rf) != 1 || !errors.Is(rf[0], routes.ErrConflict) || rf[0].Cluster != "east" {
		t.Fatalf("refused %v", rf)
	}
}

// A rejected event changes nothing.
func TestRejectedChangesNothing(t *testing.T) {
	m := newMachine(t)
	mustStep(t, m, routes.Desired{Remotes: []routes.Remote{remote}})
	before := m.DesiredRoutes()
	for _, ev := range []routes.Event{
		nil,
		routes.Desired{Remotes: []routes.Remote{{Cluster: "x", Subnets: []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")}}}},
		routes.Desired{Remotes: []routes.Remote{{Cluster: "x", Gateway: gw, Subnets: []netip.Prefix{netip.MustParsePrefix("fd00::/64")}}}},
		routes.Applied{Op: routes.Effect{Kind: routes.ReplaceRoute, Route: before[0]}, Class: routes.OK},
		routes.Applied{Class: 0},
		routes.RouteUpdate{},
	} {
		if _, err := m.Step(ev); !errors.Is(err, routes.ErrInvalidEvent) {
			t.Errorf("%#v: %v", ev, err)
		}
	}
	if !reflect.DeepEqual(m.DesiredRoutes(), before) || len(m.ObservedRoutes()) != 0 {
		t.Fatal("a rejected event changed the machine")
	}
}

// An unreachable gateway gets a clear reason and a retry; the route stays
// wanted and is written again when the retry is due.
func TestUnreachableRetried(t *testing.T) {
	m := newMachine(t)
	mustStep(t, m, routes.Desired{Remotes: []routes.Remote{remote}})
	ops := mustStep(t, m, routes.Dump{Complete: true})
	add := ops[0]
	if add.Kind != routes.ReplaceRoute {
		t.Fatalf("ops %v", ops)
	}
	ops = mustStep(t, m, routes.Applied{Op: add, Class: routes.Unreachable, Message: "network is unreachable"})
	if len(ops) != 1 || ops[0].Kind != routes.RetryAfter || ops[0].Reason != routes.ReasonGatewayUnreachable ||
		!strings.Contains(ops[0].Message, "network is unreachable") {
		t.Fatalf("ops %v", ops)
	}
	if f := m.Failures(); len(f) != 1 || f[0].Reason != routes.ReasonGatewayUnreachable || f[0].Attempts != 1 {
		t.Fatalf("failures %+v", f)
	}
	if m.Converged() {
		t.Fatal("converged with a failed route")
	}
	ops = mustStep(t, m, routes.RetryDue{Op: ops[0]})
	if len(ops) != 1 || ops[0] != add {
		t.Fatalf("retry gave %v", ops)
	}
}

// A route someone else removes is restored; a foreign route is ignored.
func TestRestoreFlushed(t *testing.T) {
	m := newMachine(t)
	mustStep(t, m, routes.Desired{Remotes: []routes.Remote{remote}})
	mustStep(t, m, routes.DesiredSynced{})
	r := m.DesiredRoutes()[0]
	if ops := mustStep(t, m, routes.Dump{Complete: true, Routes: []routes.Route{r},
		Rules: m.DesiredRules()}); len(ops) != 0 {
		t.Fatalf("converged dump gave %v", ops)
	}
	foreign := r
	foreign.Protocol = 4
	if ops := mustStep(t, m, routes.RouteUpdate{Route: foreign, Deleted: true}); len(ops) != 0 {
		t.Fatalf("foreign update gave %v", ops)
	}
	ops := mustStep(t, m, routes.RouteUpdate{Route: r, Deleted: true})
	if len(ops) != 1 || ops[0].Kind != routes.ReplaceRoute || ops[0].Route != r {
		t.Fatalf("flush gave %v", ops)
	}
}

func TestEventJSONRoundTrip(t *testing.T) {
	r := routes.Route{Dst: netip.MustParsePrefix("10.1.0.0/16"), Gateway: gw, Table: 150, Protocol: 250}
	for _, ev := range []routes.Event{
		routes.Desired{Source: gw, Remotes: []routes.Remote{remote}},
		routes.Desired{Sources: []netip.Addr{gw, netip.MustParseAddr("fd00::1")}, Remotes: []routes.Remote{remote}},
		routes.DesiredSynced{},
		routes.Dump{Routes: []routes.Route{r}, Rules: []routes.Rule{{Priority: 100, Table: 150, Protocol: 250}}, Complete: true},
		routes.RouteUpdate{Route: r, Deleted: true},
		routes.LinkUpdate{Index: 7, Name: "tunl0", Deleted: true},
		routes.Applied{Op: routes.Effect{Kind: routes.ReplaceRoute, Route: r}, Class: routes.Unreachable, Message: "x"},
		routes.RetryDue{Op: routes.Effect{Kind: routes.RetryAfter, Retry: routes.AddRule, Delay: 5}},
	} {
		data, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := routes.UnmarshalEvent(data)
		if err != nil || !reflect.DeepEqual(back, ev) {
			t.Errorf("%s: %#v, %v", data, back, err)
		}
	}
}
