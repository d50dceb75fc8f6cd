package vipbgp

import (
	"context"
	"net"
	"time"

	"github.com/vishvananda/netlink"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// resetSessions ends every established session without a NOTIFICATION,
// as a crash would: the kernel aborts the TCP connection (SOCK_DESTROY,
// which sends the peer a reset), so a graceful-restart helper keeps the
// routes as stale for the restart time, instead of dropping them as a
// Cease tells it to. StopBgp, which follows, finds no session left to send
// a Cease on. A session that cannot be reset this way (IPv6, or a kernel
// without CONFIG_INET_DIAG_DESTROY, or no CAP_NET_ADMIN) is logged, and
// receives StopBgp's Cease.
func (a *Announcer) resetSessions(ctx context.Context, s *server.BgpServer) {
	reset := 0
	_ = s.ListPeer(ctx, &api.ListPeerRequest{}, func(p *api.Peer) {
		if p.GetState().GetSessionState() != api.PeerState_ESTABLISHED || p.GetTransport() == nil {
			return
		}
		t := p.GetTransport()
		local := &net.TCPAddr{IP: net.ParseIP(t.LocalAddress), Port: int(t.LocalPort)}
		remote := &net.TCPAddr{IP: net.ParseIP(p.GetState().GetNeighborAddress()), Port: int(t.RemotePort)}
		if err := netlink.SocketDestroy(local, remote); err != nil {
			a.cfg.Log.Error(err, "cannot reset the session without a NOTIFICATION: the peer gets a Cease and drops the routes at once",
				"peer", remote.IP.String())
			return
		}
		reset++
	})
	if reset == 0 {
		return
	}
	// Wait until the speaker has seen the resets, so that StopBgp finds
	// the sessions down.
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		up := 0
		_ = s.ListPeer(ctx, &api.ListPeerRequest{}, func(p *api.Peer) {
			if p.GetState().GetSessionState() == api.PeerState_ESTABLISHED {
				up++
			}
		})
		if up == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
