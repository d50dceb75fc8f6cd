// Command globalnet is a global-IP allocator for a Kubernetes cluster,
// built from meshstate's ipam adapter (package kube/ipamkube): it gives every
// GlobalIP (meshstate.io/v1alpha1) its addresses from the pools given,
// records them in the GlobalIP's status and, for those asking for one,
// keeps an internal Service carrying them. Run two or more replicas: they
// share a Lease and only the leader allocates.
//
// Usage:
//
//	globalnet -pool 242.254.0.0/16 [-pool CIDR ...] [flags]
//
// Install the CRDs (config/crd) and the ClusterRole (config/rbac/ipam.yaml,
// bound to the controller's identity) first. Then, from outside the
// cluster:
//
//	go run ./examples/globalnet -kubeconfig ~/.kube/config -pool 242.254.0.0/16 \
//		-lease-namespace default -metrics-addr :9090
//
// Inside a pod, omit -kubeconfig: the in-cluster configuration is used.
//
// Flags:
//
//	-kubeconfig path        kubeconfig file; empty means in-cluster (or $KUBECONFIG)
//	-pool CIDR              a prefix to allocate from; repeat for several (required)
//	-namespace ns           watch only this namespace's GlobalIPs (default: all)
//	-lease-namespace ns     namespace of the leader-election Lease (default "default")
//	-lease-name name        name of the Lease (default "meshstate-ipam")
//	-identity id            this replica's name in the Lease (default: the hostname)
//	-release-on-not-found   reallocate when an internal Service is confirmed gone
//	-metrics-addr addr      serve Prometheus metrics on addr at /metrics (default: off)
//	-qps n, -burst n        client-side rate limits of API requests (default 100, 200)
//	-v n                    log verbosity (default 0)
//
// It runs until interrupted (SIGINT or SIGTERM), giving the Lease up on the
// way out so a standby takes over at once. When it loses the Lease, it
// stands for election again as a standby; its next term recovers every
// allocation from the GlobalIPs' statuses. It exits 2 on bad flags and 1
// if the allocator fails.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil && !errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "globalnet:", err)
		os.Exit(1)
	}
}

// run parses args, then allocates until ctx is done.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	opts, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	return serve(ctx, opts, stderr)
}
