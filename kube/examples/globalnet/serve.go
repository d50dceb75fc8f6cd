package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-logr/logr"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/internal/prog"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// routeKlog routes klog into the program's logger. klog's SetLogger is
// not safe to call while other goroutines log, which a program's main
// never does before run; tests that call run beside their own API
// clients replace it (the binary tests cover the routing).
var routeKlog = prog.RouteKlog

// serve runs the allocator, and the metrics and probe servers, until ctx
// is done; it then returns nil once everything has stopped.
func serve(ctx context.Context, o options, logs io.Writer) error {
	log := prog.NewLogger(logs, o.LogFormat, o.Verbosity)
	routeKlog(log, o.Verbosity)
	rc, source, err := prog.RESTConfig(o.Kubeconfig)
	if err != nil {
		return err
	}
	rc.QPS, rc.Burst = float32(o.qps), o.burst
	cfg := ipamkube.Config{
		REST:      rc,
		Namespace: o.namespace,
		Machine:   ipam.Config{Prefixes: o.pools, ReleaseOnNotFound: o.releaseOnNotFound},
		Logger:    log,
	}
	if o.leaderElect {
		cfg.LeaderElection = &ipamkube.LeaderElection{Namespace: o.leaseNamespace, Name: o.leaseName,
			Identity: o.identity, ReleaseOnCancel: true}
	}
	a, err := ipamkube.New(cfg)
	if err != nil {
		return err
	}
	reg, err := prog.Registry(a.Collector())
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	var srv prog.Servers
	defer srv.Wait()
	defer cancel()
	log.Info("starting globalnet", "kubeconfig", source, "host", rc.Host, "pools", fmt.Sprint(o.pools),
		"namespace", o.namespace, "leaderElect", o.leaderElect, "lease", o.leaseNamespace+"/"+o.leaseName, "identity", o.identity)
	if err := srv.Start(ctx, o.Options, rc, reg, readiness(a, o.leaderElect), log); err != nil {
		return err
	}
	err = allocate(ctx, a, log)
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		log.Info("stopped: interrupted")
		return nil
	}
	return err
}

// readiness is /readyz: a replica allocating is ready once its term has
// recovered every allocation from the GlobalIPs' statuses (State.Synced);
// a standby, waiting for the Lease, is ready once started, since it has
// nothing to recover until it leads and a Deployment's rollout must not
// wait for it. Without leader election, the one replica is ready once its
// term has recovered.
func readiness(a *ipamkube.Adapter, leaderElect bool) prog.Ready {
	return func() error {
		switch st := a.State(); {
		case st.Leading && !st.Synced:
			msg := "recovering the allocations from the GlobalIPs' statuses (informers not synced yet)"
			if st.LastError != nil {
				msg += "; last error: " + st.LastError.Error()
			}
			return errors.New(msg)
		case !st.Leading && !leaderElect:
			return errors.New("the allocator has not started")
		}
		return nil
	}
}

// allocate runs the adapter, standing for election again whenever it
// loses the Lease.
func allocate(ctx context.Context, a *ipamkube.Adapter, log logr.Logger) error {
	for {
		err := a.Run(ctx)
		if !errors.Is(err, ipamkube.ErrLeadershipLost) {
			return err
		}
		log.Info("lost the Lease; standing for election again")
	}
}
