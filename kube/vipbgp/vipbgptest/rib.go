package vipbgptest

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// Route is a path in the peer's table.
type Route struct {
	// Prefix is the route's destination.
	Prefix netip.Prefix
	// NextHop is its next hop.
	NextHop netip.Addr
	// Communities are its standard communities, as "AS:value", in the
	// order received.
	Communities []string
	// Stale is set while a graceful-restart helper keeps the route of a
	// restarting speaker (RFC 4724).
	Stale bool
}

// Event is a change of the peer's best path for a prefix, or an
// End-of-RIB marker, as the peer's table reported it.
type Event struct {
	// Prefix is the destination; invalid for End-of-RIB.
	Prefix netip.Prefix
	// Withdraw is set for a withdrawal (including a stale route dropped
	// after End-of-RIB or when the restart time ran out).
	Withdraw bool
	// EndOfRIB is set for an End-of-RIB marker received from the
	// announcer; GoBGP sends one per family, after that family's routes.
	// The families' order is not fixed: GoBGP packs the families of one
	// send in map order, so the IPv6 marker may come before the IPv4
	// routes. A marker says only its own family is complete (RFC 4724),
	// so compare each family's routes with its own marker.
	EndOfRIB bool
	// IPv6 is set for an End-of-RIB marker of IPv6 unicast.
	IPv6 bool
	// At is when the kit received the event.
	At time.Time
}

// RIB is the peer's table, sorted by prefix: IPv4 then IPv6 unicast.
func (p *Peer) RIB() ([]Route, error) {
	p.mu.Lock()
	client := p.client
	p.mu.Unlock()
	if client == nil {
		return nil, fmt.Errorf("vipbgptest: the peer is not running")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []Route
	for _, f := range []*api.Family{
		{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST},
		{Afi: api.Family_AFI_IP6, Safi: api.Family_SAFI_UNICAST},
	} {
		stream, err := client.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: f})
		if err != nil {
			return nil, fmt.Errorf("vipbgptest: ListPath: %w", err)
		}
		for {
			r, err := stream.Recv()
			if err != nil {
				if strings.Contains(err.Error(), "EOF") {
					break
				}
				return nil, fmt.Errorf("vipbgptest: ListPath: %w", err)
			}
			for _, path := range r.GetDestination().GetPaths() {
				route, err := toRoute(path)
				if err != nil {
					return nil, err
				}
				out = append(out, route)
			}
		}
	}
	slices.SortFunc(out, func(a, b Route) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		return a.Prefix.Bits() - b.Prefix.Bits()
	})
	return out, nil
}

// toRoute reads a GoBGP path.
func toRoute(path *api.Path) (Route, error) {
	nlri, err := apiutil.GetNativeNlri(path)
	if err != nil {
		return Route{}, fmt.Errorf("vipbgptest: path NLRI: %w", err)
	}
	prefix, err := netip.ParsePrefix(nlri.String())
	if err != nil {
		return Route{}, fmt.Errorf("vipbgptest: path prefix %q: %w", nlri.String(), err)
	}
	r := Route{Prefix: prefix, Stale: path.GetStale()}
	attrs, err := apiutil.GetNativePathAttributes(path)
	if err != nil {
		return Route{}, fmt.Errorf("vipbgptest: path attributes: %w", err)
	}
	for _, a := range attrs {
		switch a := a.(type) {
		case *bgp.PathAttributeNextHop:
			r.NextHop, _ = netip.AddrFromSlice(a.Value)
			r.NextHop = r.NextHop.Unmap()
		case *bgp.PathAttributeMpReachNLRI:
			r.NextHop, _ = netip.AddrFromSlice(a.Nexthop)
			if r.NextHop.Is4In6() {
				r.NextHop = r.NextHop.Unmap()
			}
		case *bgp.PathAttributeCommunities:
			for _, c := range a.Value {
				r.Communities = append(r.Communities, fmt.Sprintf("%d:%d", c>>16, c&0xffff))
			}
		}
	}
	return r, nil
}

// watch records the peer's best-path changes and End-of-RIB markers
// until the watch is cancelled.
func (p *Peer) watch(stream api.GobgpApi_WatchEventClient, done chan struct{}) {
	defer close(done)
	for {
		r, err := stream.Recv()
		if err != nil {
			return
		}
		now := time.Now()
		var evs []Event
		for _, path := range r.GetTable().GetPaths() {
			if path.GetNlri() == nil {
				v6 := path.GetFamily().GetAfi() == api.Family_AFI_IP6
				evs = append(evs, Event{EndOfRIB: true, IPv6: v6, At: now})
				continue
			}
			route, err := toRoute(path)
			if err != nil {
				continue
			}
			evs = append(evs, Event{Prefix: route.Prefix, Withdraw: path.GetIsWithdraw(), At: now})
		}
		p.mu.Lock()
		p.events = append(p.events, evs...)
		p.mu.Unlock()
	}
}

// Events are the peer's best-path changes and End-of-RIB markers so far,
// across restarts of the peer, in the order received.
func (p *Peer) Events() []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.events)
}

// Count is how many announcements and withdrawals of prefix the peer has
// seen so far.
func (p *Peer) Count(prefix netip.Prefix) (announced, withdrawn int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.events {
		if e.Prefix != prefix {
			continue
		}
		if e.Withdraw {
			withdrawn++
		} else {
			announced++
		}
	}
	return announced, withdrawn
}

// EndOfRIBs is how many IPv4-unicast End-of-RIB markers the peer has
// received: one per session that sent its whole table.
func (p *Peer) EndOfRIBs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, e := range p.events {
		if e.EndOfRIB && !e.IPv6 {
			n++
		}
	}
	return n
}

// Established reports whether a session of the peer with the announcer
// (from its IPv4 or its IPv6 address) is established.
func (p *Peer) Established() bool {
	p.mu.Lock()
	client := p.client
	p.mu.Unlock()
	if client == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stream, err := client.ListPeer(ctx, &api.ListPeerRequest{})
	if err != nil {
		return false
	}
	up := false
	for {
		r, err := stream.Recv()
		if err != nil {
			return up
		}
		if r.GetPeer().GetState().GetSessionState() == api.PeerState_ESTABLISHED {
			up = true
		}
	}
}

// WaitFor polls cond every 10 ms until it holds, failing t after timeout.
// It waits for a condition; it asserts no duration.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Prefixes are the prefixes of routes, in their order.
func Prefixes(routes []Route) []netip.Prefix {
	out := make([]netip.Prefix, len(routes))
	for i, r := range routes {
		out[i] = r.Prefix
	}
	return out
}

// WaitRIB waits until the peer's table holds exactly the prefixes want
// (sorted, as RIB sorts them), failing t after timeout.
func (p *Peer) WaitRIB(t testing.TB, timeout time.Duration, want []netip.Prefix) {
	t.Helper()
	WaitFor(t, timeout, fmt.Sprintf("the peer's table to hold %d routes", len(want)), func() bool {
		got, err := p.RIB()
		return err == nil && slices.Equal(Prefixes(got), want)
	})
}
