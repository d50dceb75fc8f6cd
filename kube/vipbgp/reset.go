package vipbgp

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// resetSessions ends every established session without a NOTIFICATION,
// as a crash would: the kernel aborts the TCP connection (SOCK_DESTROY,
// which sends the peer a reset), so a graceful-restart helper keeps the
// routes as stale for the restart time, instead of dropping them as a
// Cease tells it to. StopBgp, which follows, finds no session left to send
// a Cease on. Only this process's sockets are touched (matched by inode
// against /proc/self/fd), and of those only the ones to a peer's address
// and port (or from ListenPort). A session that cannot be reset this way
// (a kernel without CONFIG_INET_DIAG_DESTROY, no CAP_NET_ADMIN) is
// logged, and receives StopBgp's Cease.
func (a *Announcer) resetSessions(ctx context.Context, s *server.BgpServer) {
	up := a.established(ctx, s)
	if len(up) == 0 {
		return
	}
	reset, err := a.destroySockets(up)
	if err != nil {
		a.cfg.Log.Error(err, "cannot reset the sessions without a NOTIFICATION: the peers get a Cease and drop the routes at once")
	}
	for addr := range up {
		if !reset[addr] && err == nil {
			a.cfg.Log.Error(fmt.Errorf("vipbgp: no resettable socket for the session"),
				"the peer gets a Cease and drops the routes at once", "peer", addr.String())
		}
	}
	if len(reset) == 0 {
		return
	}
	// Wait until the speaker has seen the resets, so that StopBgp finds
	// the sessions down.
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) && len(a.established(ctx, s)) > 0 {
		time.Sleep(10 * time.Millisecond)
	}
}

// established are the addresses of the peers whose session is up.
func (a *Announcer) established(ctx context.Context, s *server.BgpServer) map[netip.Addr]bool {
	up := map[netip.Addr]bool{}
	_ = s.ListPeer(ctx, &api.ListPeerRequest{}, func(p *api.Peer) {
		if p.GetState().GetSessionState() != api.PeerState_ESTABLISHED {
			return
		}
		if addr, err := netip.ParseAddr(p.GetConf().GetNeighborAddress()); err == nil {
			up[addr] = true
		}
	})
	return up
}

// destroySockets aborts this process's established TCP connections with
// the peers in up, and returns the peers whose connection it aborted.
func (a *Announcer) destroySockets(up map[netip.Addr]bool) (map[netip.Addr]bool, error) {
	own, err := ownSockets()
	if err != nil {
		return nil, err
	}
	socks, err := ownTCPSockets(own)
	if err != nil {
		return nil, err
	}
	ports := map[netip.Addr]uint16{}
	for _, p := range a.cfg.Peers {
		ports[p.Address] = p.Port
		if p.Port == 0 {
			ports[p.Address] = 179
		}
	}
	reset := map[netip.Addr]bool{}
	for _, sk := range socks {
		dst := sk.remote.Addr()
		if !up[dst] {
			continue
		}
		if sk.remote.Port() != ports[dst] && (a.cfg.ListenPort == 0 || int32(sk.local.Port()) != a.cfg.ListenPort) {
			continue
		}
		if err := sk.destroy(); err != nil {
			return reset, fmt.Errorf("vipbgp: resetting %v -> %v: %w", sk.local, sk.remote, err)
		}
		reset[dst] = true
	}
	return reset, nil
}

// ownSockets are the inodes of this process's sockets.
func ownSockets() (map[uint32]bool, error) {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil, fmt.Errorf("vipbgp: listing this process's sockets: %w", err)
	}
	own := map[uint32]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]"), 10, 32); err == nil {
			own[uint32(n)] = true
		}
	}
	return own, nil
}
