// Command servicediscovery is a service-discovery controller built from
// meshstate's discovery adapters (kube/vipkube and kube/mcskube), run
// against a cluster:
//
//   - the VIP side watches Services and EndpointSlices and decides which
//     load-balancer VIPs this node announces (incident 004: slices that
//     arrive before their Service are kept, and nothing is announced before
//     both informers have synced). This example's announcer only prints
//     "announce VIP [namespace/name ...]" and "withdraw VIP" lines on
//     standard output; a real one would program a BGP speaker, or install
//     routes with vipkube.RouteAnnouncer;
//   - the export side watches ServiceExports, Services and ServiceImports
//     and writes this cluster's ServiceImports (name.<cluster-id>, labelled
//     multicluster.kubernetes.io/source-cluster=<cluster-id>) and the
//     exports' Valid and Conflict conditions. It never deletes before every
//     informer has synced, nor any import another cluster or the broker
//     owns (incident 001).
//
// Usage:
//
//	go run ./examples/servicediscovery -kubeconfig ~/.kube/config -cluster-id west [flags]
//
// Flags:
//
//	-kubeconfig path   kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)
//	-cluster-id id     this cluster's ID, a DNS label (required with -exports)
//	-node-name name    this node, for externalTrafficPolicy Local (default: $NODE_NAME or the hostname)
//	-namespace ns      watch one namespace only (default: all)
//	-vips=false        do not run the VIP side (vipkube)
//	-exports=false     do not run the export side (mcskube)
//	-trace file        record every event fed to the machines, as JSON lines
//	-v n               log verbosity (1 logs every decision applied)
//
// The service account needs the ClusterRole in config/rbac/discovery.yaml.
// The controller runs until interrupted (SIGINT or SIGTERM); it exits 2
// on bad flags and 1 if an adapter cannot start.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "servicediscovery:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "servicediscovery:", err)
		os.Exit(1)
	}
}

// run is the whole program: it parses args, builds the adapters and runs
// them until ctx is done. Announcements go to out, logs to logs.
func run(ctx context.Context, args []string, out, logs io.Writer) error {
	opts, err := parseFlags(args, logs)
	if err != nil {
		return err
	}
	c, err := newController(opts, out, logs)
	if err != nil {
		return err
	}
	defer c.close()
	return c.run(ctx)
}
