package vipbgp

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// Announcer announces VIPs as BGP host routes from a GoBGP speaker it
// runs in-process. It implements vipkube.Announcer and vipkube.Committer.
// Its methods are safe for concurrent use.
type Announcer struct {
	cfg     settings
	created time.Time

	mu        sync.Mutex
	vips      map[netip.Addr][]string // the announced set, with its services
	started   bool                    // Run was called
	stopped   bool                    // Run is stopping or has returned
	committed bool                    // the first Commit came
	srv       *server.BgpServer       // set while the speaker runs
	log       *logger                 // the speaker's logger, while it runs
	added     map[netip.Addr]bool     // peers given to the speaker
	addedAt   map[netip.Addr]time.Time
	peerErr   map[netip.Addr]string // the last failure to add a peer
}

// New validates cfg, all of it, and returns an announcer that has started
// nothing: Run starts the speaker.
func New(cfg Config) (*Announcer, error) {
	s, err := validate(cfg)
	if err != nil {
		return nil, err
	}
	return &Announcer{cfg: s, created: time.Now(), vips: map[netip.Addr][]string{},
		added: map[netip.Addr]bool{}, addedAt: map[netip.Addr]time.Time{}, peerErr: map[netip.Addr]string{}}, nil
}

// Announce adds vip's host route (/32 or /128) to the announced set. Before
// Run it is only remembered, and Run loads it; before the first Commit it
// enters the speaker's table but no peer hears of it; after, the peers
// receive it at once. Announcing a VIP again, whatever its services, sends
// nothing: services only say why it is announced. An address that cannot
// be announced returns a *VIPError and changes nothing; so does a failure
// of the speaker.
func (a *Announcer) Announce(ctx context.Context, vip netip.Addr, services []string) error {
	if err := a.cfg.checkVIP(vip); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return ErrStopped
	}
	if _, ok := a.vips[vip]; ok {
		a.vips[vip] = services
		return nil
	}
	if a.srv != nil {
		if err := a.addPath(ctx, vip); err != nil {
			return err
		}
	}
	a.vips[vip] = services
	return nil
}

// Withdraw removes vip's host route from the announced set; the peers
// hear of it at once if they heard of it at all. Withdrawing a VIP that
// is not announced does nothing.
func (a *Announcer) Withdraw(ctx context.Context, vip netip.Addr) error {
	if !vip.IsValid() {
		return &VIPError{VIP: vip, Reason: "the zero address"}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return ErrStopped
	}
	if _, ok := a.vips[vip]; !ok {
		return nil
	}
	if a.srv != nil {
		p, err := a.cfg.path(vip)
		if err != nil {
			return err
		}
		if err := a.srv.DeletePath(ctx, &api.DeletePathRequest{TableType: api.TableType_GLOBAL, Family: p.Family, Path: p}); err != nil {
			return fmt.Errorf("vipbgp: withdrawing %v: %w", vip, err)
		}
	}
	delete(a.vips, vip)
	return nil
}

// Commit is the sync gate. The first Commit opens the sessions with the
// peers, so that their first UPDATEs carry the whole announced set, then
// End-of-RIB; before it, no peer hears anything. Later Commits only retry
// the peers the speaker refused. A Commit before Run is remembered: Run
// opens the sessions once it has loaded the set.
func (a *Announcer) Commit(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return ErrStopped
	}
	a.committed = true
	if a.srv == nil {
		return nil
	}
	return a.addPeers(ctx)
}

// Announced returns the announced set, sorted.
func (a *Announcer) Announced() []netip.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]netip.Addr, 0, len(a.vips))
	for vip := range a.vips {
		out = append(out, vip)
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out
}

// addPath puts vip's path into the speaker's table.
func (a *Announcer) addPath(ctx context.Context, vip netip.Addr) error {
	p, err := a.cfg.path(vip)
	if err != nil {
		return err
	}
	if _, err := a.srv.AddPath(ctx, &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: p}); err != nil {
		return fmt.Errorf("vipbgp: announcing %v: %w", vip, err)
	}
	return nil
}

// addPeers gives the speaker every peer it does not have yet, and returns
// the first failure.
func (a *Announcer) addPeers(ctx context.Context) error {
	var first error
	for _, p := range a.cfg.Peers {
		if a.added[p.Address] {
			continue
		}
		if err := a.srv.AddPeer(ctx, &api.AddPeerRequest{Peer: a.cfg.peer(p)}); err != nil {
			a.peerErr[p.Address] = err.Error()
			if first == nil {
				first = fmt.Errorf("vipbgp: adding peer %v: %w", p.Address, err)
			}
			continue
		}
		a.added[p.Address] = true
		a.addedAt[p.Address] = time.Now()
		delete(a.peerErr, p.Address)
	}
	return first
}
