package vipbgp_test

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

const wait = 30 * time.Second

// config is an announcer configuration for peer.
func config(t *testing.T, peer *vipbgptest.Peer) vipbgp.Config {
	return vipbgp.Config{
		ASN:      65000,
		RouterID: peer.LocalAddress(),
		Peers:    []vipbgp.Peer{{Address: peer.Address(), ASN: peer.ASN()}},
		Log:      testr.New(t),
	}
}

// noLeaks is the goleak check, to defer from the test's baseline (after
// the peers started: their API clients are theirs).
func noLeaks(t testing.TB) func() {
	return func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) }
}

// host is vip's host route.
func host(vip netip.Addr) netip.Prefix { return netip.PrefixFrom(vip, vip.BitLen()) }

// vips are n addresses from 198.18.0.1 on.
func vips(n int) []netip.Addr {
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = netip.AddrFrom4([4]byte{198, 18, byte((i + 1) >> 8), byte(i + 1)})
	}
	return out
}

// hosts are the host routes of vips, sorted.
func hosts(vips []netip.Addr) []netip.Prefix {
	out := make([]netip.Prefix, len(vips))
	for i, v := range vips {
		out[i] = host(v)
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	return out
}

// rib reads the peer's table, failing t on error.
func rib(t testing.TB, p *vipbgptest.Peer) []vipbgptest.Route {
	t.Helper()
	r, err := p.RIB()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ribIs waits until the peer's table holds exactly want.
func ribIs(t testing.TB, p *vipbgptest.Peer, want []netip.Prefix) {
	t.Helper()
	p.WaitRIB(t, wait, want)
}
