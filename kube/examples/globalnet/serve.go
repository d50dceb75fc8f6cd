package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// serve runs the allocator, and the metrics server if asked, until ctx is
// done.
func serve(ctx context.Context, o options, stderr io.Writer) error {
	log := funcr.New(func(prefix, args string) { fmt.Fprintln(stderr, prefix, args) },
		funcr.Options{Verbosity: o.verbosity, LogTimestamp: true})
	rc, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return fmt.Errorf("client configuration: %w", err)
	}
	rc.QPS, rc.Burst = float32(o.qps), o.burst
	a, err := ipamkube.New(ipamkube.Config{
		REST:      rc,
		Namespace: o.namespace,
		Machine:   ipam.Config{Prefixes: o.pools, ReleaseOnNotFound: o.releaseOnNotFound},
		LeaderElection: &ipamkube.LeaderElection{Namespace: o.leaseNamespace, Name: o.leaseName,
			Identity: o.identity, ReleaseOnCancel: true},
		Logger: log,
	})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	if o.metricsAddr != "" {
		reg := prometheus.NewRegistry()
		reg.MustRegister(a.Collector())
		ln, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		wg.Go(func() { metricsServer(ctx, srv, ln, log) })
	}
	return allocate(ctx, a, log)
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

func metricsServer(ctx context.Context, srv *http.Server, ln net.Listener, log logr.Logger) {
	stopped := context.AfterFunc(ctx, func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	})
	defer stopped()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Error(err, "metrics server stopped")
	}
}
