package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/internal/prog"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// peerPoll is how often the peers' session states are read, to log their
// changes.
const peerPoll = 250 * time.Millisecond

// run is the whole program: it parses args, builds the speaker and the
// adapter and runs them, with the metrics and probe servers, until ctx is
// done; it then returns nil once everything has stopped.
func (p program) run(ctx context.Context, args []string) error {
	o, err := parseFlags(args, p.logs)
	if err != nil {
		return err
	}
	log := p.newLogger(o)
	cfg := o.bgp
	cfg.Log = log.WithName("bgp")
	speaker, err := vipbgp.New(cfg)
	if err != nil {
		return fmt.Errorf("%w: %w", prog.ErrUsage, err)
	}
	rc, source, err := prog.RESTConfig(o.Kubeconfig)
	if err != nil {
		return err
	}
	kc, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return err
	}
	a, err := vipkube.New(vipkube.Config{Client: kc, Namespace: o.namespace,
		Machine: vip.Config{NodeName: o.nodeName}, Announcer: speaker, Log: log.WithName("vips")})
	if err != nil {
		return fmt.Errorf("%w: %w", prog.ErrUsage, err)
	}
	reg, err := prog.Registry(a.Collector())
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	var srv prog.Servers
	defer srv.Wait()
	defer cancel()
	peers := make([]string, len(cfg.Peers))
	for i, x := range cfg.Peers {
		peers[i] = peerString(x)
	}
	log.Info("starting bgpvip", "kubeconfig", source, "host", rc.Host, "nodeName", o.nodeName, "namespace", o.namespace,
		"asn", cfg.ASN, "routerID", cfg.RouterID.String(), "peers", strings.Join(peers, " "),
		"gracefulRestart", cfg.GracefulRestart.Enabled, "restartTime", cfg.GracefulRestart.RestartTime.String())
	ready := func() error {
		if st := a.Status(); !st.Synced {
			msg := "informers not synced"
			if st.LastError != nil {
				msg += " (last error: " + st.LastError.Error() + ")"
			}
			return errors.New(msg)
		}
		return nil
	}
	if err := srv.Start(ctx, o.Options, rc, reg, ready, log); err != nil {
		return err
	}
	err = runAll(ctx, speaker.Run, a.Run, func(ctx context.Context) error {
		watchPeers(ctx, speaker.Peers, peerPoll, log.WithName("bgp"))
		return nil
	})
	if err == nil && ctx.Err() != nil {
		log.Info("stopped: interrupted")
	}
	return err
}

// newLogger is the program's logger, with klog routed into it.
func (p program) newLogger(o options) logr.Logger {
	log := prog.NewLogger(p.logs, o.LogFormat, o.Verbosity)
	p.routeKlog(log, o.Verbosity)
	return log
}

// runAll runs each of fns until ctx is done, or until one returns an
// error, which stops the others; it returns once all have returned, with
// their errors. One that returns nil before ctx is done stops the others
// too: each runs for the program's whole life.
func runAll(ctx context.Context, fns ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(fns))
	for i, fn := range fns {
		wg.Go(func() {
			errs[i] = fn(ctx)
			cancel()
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// watchPeers logs each change of a peer's session state, as peers reports
// them, every poll until ctx is done.
func watchPeers(ctx context.Context, peers func() []vipbgp.PeerState, poll time.Duration, log logr.Logger) {
	last := map[string]string{}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for _, p := range peers() {
			key, state := p.Address.String(), string(p.State)
			if old, ok := last[key]; !ok || old != state {
				kv := []any{"peer", key, "asn", p.ASN, "from", old, "to", state}
				if p.LastError != "" && p.State != vipbgp.StateEstablished {
					kv = append(kv, "lastError", p.LastError)
				}
				log.Info("peer session state", kv...)
				last[key] = state
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
