package vipbgp

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/meshstate/meshstate/kube/vipbgp/internal/loop"
)

// Run starts the speaker, loads the announced set into its table, opens
// the sessions if Commit already came, and serves until ctx ends. Then it
// stops the speaker (see the package doc for how the sessions end) and
// returns nil once every goroutine it started has ended, or the error
// that kept it from starting. It runs once: a second call returns
// ErrStarted. Announce, Withdraw and Commit return ErrStopped once Run
// has begun to stop.
func (a *Announcer) Run(ctx context.Context) error {
	a.mu.Lock()
	if a.started {
		a.mu.Unlock()
		return ErrStarted
	}
	a.started = true
	a.mu.Unlock()

	log := newLogger(a.cfg.Log)
	s, end := loop.Start(log)
	port := a.cfg.ListenPort
	if port == 0 {
		port = -1 // GoBGP's "do not listen"
	}
	if err := s.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn: a.cfg.ASN, RouterId: a.cfg.RouterID.String(), ListenPort: port,
	}}); err != nil {
		return a.stop(s, end, fmt.Errorf("vipbgp: starting the speaker: %w", err))
	}
	if err := a.load(ctx, s, log); err != nil {
		return a.stop(s, end, err)
	}
	<-ctx.Done()
	return a.stop(s, end, nil)
}

// load hands the speaker the announced set, then the peers if the first
// Commit came. A peer the speaker refuses is logged and retried by the
// next Commit.
func (a *Announcer) load(ctx context.Context, s *server.BgpServer, log *logger) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.srv, a.log = s, log
	vips := make([]netip.Addr, 0, len(a.vips))
	for vip := range a.vips {
		vips = append(vips, vip)
	}
	slices.SortFunc(vips, netip.Addr.Compare)
	for _, vip := range vips {
		if err := a.addPath(ctx, vip); err != nil {
			return err
		}
	}
	if a.committed {
		if err := a.addPeers(ctx); err != nil {
			a.cfg.Log.Error(err, "a peer was refused; the next Commit retries it")
		}
	}
	return nil
}

// stop ends the sessions, stops the speaker and ends its loop; err is
// what Run returns, unless stopping fails.
func (a *Announcer) stop(s *server.BgpServer, end *loop.Loop, err error) error {
	a.mu.Lock()
	a.stopped = true
	running := a.srv != nil
	a.mu.Unlock()
	ctx := context.Background()
	if running && a.cfg.GracefulRestart.Enabled {
		a.awaitDeferral(ctx, s)
		a.resetSessions(ctx, s)
	}
	if stopErr := s.StopBgp(ctx, &api.StopBgpRequest{}); stopErr != nil && err == nil {
		err = fmt.Errorf("vipbgp: stopping the speaker: %w", stopErr)
	}
	a.mu.Lock()
	a.srv = nil
	a.mu.Unlock()
	if endErr := end.End(ctx, s); endErr != nil && err == nil {
		err = endErr
	}
	return err
}

// awaitDeferral waits until GoBGP's selection deferral timer of each
// session that came up has fired. That timer (time.AfterFunc) queues an
// operation on the serve loop, and would block forever, a leaked
// goroutine, if it fired after the loop ended. It fires deferral after a
// session comes up; the speaker reports that time in whole seconds.
func (a *Announcer) awaitDeferral(ctx context.Context, s *server.BgpServer) {
	var latest time.Time
	_ = s.ListPeer(ctx, &api.ListPeerRequest{}, func(p *api.Peer) {
		if up := p.GetTimers().GetState().GetUptime(); up.GetSeconds() > 0 && up.AsTime().After(latest) {
			latest = up.AsTime()
		}
	})
	if latest.IsZero() {
		return
	}
	if d := time.Until(latest.Add(deferral + 1100*time.Millisecond)); d > 0 {
		time.Sleep(d)
	}
}
