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
//     owns (incident 001). It needs the MCS CRDs (ServiceExport and
//     ServiceImport, multicluster.x-k8s.io/v1beta1, from
//     sigs.k8s.io/mcs-api); without them it logs how to install them, once,
//     and waits.
//
// Usage:
//
//	go run ./examples/servicediscovery --kubeconfig ~/.kube/config --cluster-id west [flags]
//
// Flags (the flag package takes -x and --x alike):
//
//	--kubeconfig path    kubeconfig file (default: $KUBECONFIG; if both are empty, in-cluster)
//	--cluster-id id      this cluster's ID, a DNS label (required with --exports)
//	--node-name name     this node, for externalTrafficPolicy Local (default: $NODE_NAME or the hostname)
//	--namespace ns       watch one namespace only (default: all)
//	--vips=false         do not run the VIP side (vipkube)
//	--exports=false      do not run the export side (mcskube)
//	--trace file         record every event fed to the machines, as JSON lines (file.vips, file.exports)
//	--metrics-bind-address a  serve Prometheus metrics at /metrics (default "127.0.0.1:8080"; "0" disables)
//	--metrics-secure     HTTPS, and each scrape authenticated and authorized (default: true unless loopback)
//	--health-probe-bind-address a  serve /healthz and /readyz (default ":8081"; "0" disables)
//	--log-format text|json  log format (default text)
//	-v n                 log verbosity (default 0; 1 logs every decision applied), klog's included
//
// Metrics: by default on 127.0.0.1:8080 in plain HTTP, reachable from the
// pod only. On any other address they are served over HTTPS with a
// self-signed certificate, and each scrape must carry a bearer token that
// a TokenReview authenticates and a SubjectAccessReview authorizes for
// "get" on the non-resource URL /metrics; --metrics-secure=false with a
// non-loopback address is refused. The ClusterRole in
// config/rbac/discovery.yaml grants the reviews; the scraper needs get on
// nonResourceURLs ["/metrics"]. Served: each adapter's counters and
// gauges (meshstate_vip_*, meshstate_mcs_*), client-go's request metrics
// (rest_client_*), and the Go and process collectors.
//
// Probes: /healthz answers 200 while the process runs; /readyz answers 200
// once every adapter run has synced its informers (its machine decides),
// and 503 with the reason before (a missing RBAC rule or missing MCS CRDs
// keep it at 503).
//
// Logs: one line per entry on standard error, text (key="value") or JSON
// (--log-format json), each with a "ts" timestamp; client-go's klog lines
// go through the same logger. Announcements go to standard output.
//
// The service account needs the ClusterRole in config/rbac/discovery.yaml.
// The controller runs until interrupted (SIGINT or SIGTERM).
//
// Exit status: 0 once interrupted and stopped, and for -h or --help (help
// on standard error); 2 on bad usage (an unknown flag, a bad value, a
// cluster ID that is not a DNS label, stray arguments, --vips=false with
// --exports=false, --metrics-secure=false on a non-loopback address); 1 on
// a runtime failure (no usable client configuration, an address already
// in use, an adapter that cannot start).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/meshstate/meshstate/kube/internal/prog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	code := prog.ExitCode(err)
	if code != prog.ExitOK {
		fmt.Fprintln(os.Stderr, "servicediscovery:", err)
	}
	os.Exit(code)
}

// routeKlog routes klog into the program's logger. klog's SetLogger is
// not safe to call while other goroutines log, which a program's main
// never does before run; tests that call run beside their own API
// clients replace it (the binary tests cover the routing).
var routeKlog = prog.RouteKlog

// run is the whole program: it parses args, builds the adapters and runs
// them, with the metrics and probe servers, until ctx is done; it then
// returns nil once everything has stopped. Announcements go to out, logs
// and help to logs.
func run(ctx context.Context, args []string, out, logs io.Writer) error {
	o, err := parseFlags(args, logs)
	if err != nil {
		return err
	}
	log := prog.NewLogger(logs, o.LogFormat, o.Verbosity)
	routeKlog(log, o.Verbosity)
	rc, source, err := prog.RESTConfig(o.Kubeconfig)
	if err != nil {
		return err
	}
	c, err := newController(o, rc, out, log)
	if err != nil {
		return err
	}
	defer c.close()
	reg, err := prog.Registry(c.collectors()...)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	var srv prog.Servers
	defer srv.Wait()
	defer cancel()
	log.Info("starting servicediscovery", "kubeconfig", source, "host", rc.Host, "vips", o.vips, "exports", o.exports,
		"clusterID", o.clusterID, "nodeName", o.nodeName, "namespace", o.namespace)
	if err := srv.Start(ctx, o.Options, rc, reg, c.ready, log); err != nil {
		return err
	}
	err = c.run(ctx)
	if err == nil && ctx.Err() != nil {
		log.Info("stopped: interrupted")
	}
	return err
}
