package routes_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/meshstate/meshstate/routes"
)

// A source per family: dual stack gets a preferred source in both, given
// as Sources, or as Source (the single address of earlier versions) plus
// Sources.
func TestSourcePerFamily(t *testing.T) {
	v4, v6 := netip.MustParseAddr("10.7.0.1"), netip.MustParseAddr("fd07::1")
	remotes := []routes.Remote{
		{Cluster: "east", Gateway: gw, Subnets: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}},
		{Cluster: "west", Gateway: netip.MustParseAddr("fd99::2"), Subnets: []netip.Prefix{netip.MustParsePrefix("fd01::/64")}},
	}
	for name, d := range map[string]routes.Desired{
		"sources":         {Sources: []netip.Addr{v6, v4}, Remotes: remotes},
		"source+sources":  {Source: v4, Sources: []netip.Addr{v6}, Remotes: remotes},
		"repeated source": {Source: v4, Sources: []netip.Addr{v4, v6}, Remotes: remotes},
	} {
		m := newMachine(t)
		mustStep(t, m, d)
		mustStep(t, m, routes.DesiredSynced{})
		ops := mustStep(t, m, routes.Dump{Complete: true})
		got := map[bool]netip.Addr{}
		for _, op := range ops {
			if op.Kind == routes.ReplaceRoute {
				got[op.Route.Dst.Addr().Is4()] = op.Route.Src
			}
		}
		if got[true] != v4 || got[false] != v6 {
			t.Errorf("%s: sources %v (IPv4 routes) and %v (IPv6 routes), want %v and %v", name, got[true], got[false], v4, v6)
		}
	}

	// The single Source of earlier versions still applies to its family
	// only.
	rs, _, _, err := routes.Build(routes.Config{Table: 150, Protocol: 250}, v4, remotes)
	if err != nil || len(rs) != 2 {
		t.Fatalf("Build: %v, %v", rs, err)
	}
	for _, r := range rs {
		if want := map[bool]netip.Addr{true: v4}[r.Dst.Addr().Is4()]; r.Src != want {
			t.Errorf("Build with Source only: %v has source %v, want %v", r.Dst, r.Src, want)
		}
	}
}

// Two sources of one family, or a malformed one, reject the whole event
// and leave the machine as it was.
func TestSourcesRejected(t *testing.T) {
	for name, srcs := range map[string][]netip.Addr{
		"two IPv4":    {netip.MustParseAddr("10.7.0.1"), netip.MustParseAddr("10.7.0.2")},
		"two IPv6":    {netip.MustParseAddr("fd07::1"), netip.MustParseAddr("fd07::2")},
		"unspecified": {netip.IPv4Unspecified()},
		"zone":        {netip.MustParseAddr("fe80::1%eth0")},
		"invalid":     {{}},
		"4in6":        {netip.MustParseAddr("::ffff:10.7.0.1")},
	} {
		m := newMachine(t)
		_, err := m.Step(routes.Desired{Sources: srcs, Remotes: []routes.Remote{remote}})
		var rej *routes.RejectedError
		if !errors.Is(err, routes.ErrInvalidEvent) || !errors.As(err, &rej) || rej.Field != "sources" {
			t.Errorf("%s: %v, want a rejection of field sources", name, err)
		}
		if s := m.Stats(); s.DesiredRoutes != 0 {
			t.Errorf("%s: the rejected event was applied: %+v", name, s)
		}
	}
	// Source and Sources disagreeing within a family.
	m := newMachine(t)
	if _, err := m.Step(routes.Desired{Source: netip.MustParseAddr("10.7.0.1"),
		Sources: []netip.Addr{netip.MustParseAddr("10.7.0.9")}, Remotes: []routes.Remote{remote}}); !errors.Is(err, routes.ErrInvalidEvent) {
		t.Errorf("Source and Sources of one family: %v", err)
	}
}
