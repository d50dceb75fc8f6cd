// Command globalnet is a global-IP allocator for a Kubernetes cluster,
// built from meshstate's ipam adapter (package kube/ipamkube): it gives every
// GlobalIP (meshstate.io/v1alpha1) its addresses from the pools given,
// records them in the GlobalIP's status and, for those asking for one,
// keeps an internal Service carrying them. Run two or more replicas: they
// share a Lease and only the leader allocates (--leader-elect=false runs
// one replica without a Lease).
//
// Usage:
//
//	globalnet --pool 242.254.0.0/16 [--pool CIDR ...] [flags]
//
// Install the CRDs (config/crd) and the ClusterRole (config/rbac/ipam.yaml,
// bound to the controller's identity) first. Then, from outside the
// cluster:
//
//	go run ./examples/globalnet --kubeconfig ~/.kube/config --pool 242.254.0.0/16 \
//		--lease-namespace default
//
// Inside a pod, set neither --kubeconfig nor $KUBECONFIG: the in-cluster
// configuration is used.
//
// Flags (the flag package takes -x and --x alike):
//
//	--kubeconfig path        kubeconfig file (default: $KUBECONFIG; if both are empty, in-cluster)
//	--pool CIDR              a prefix to allocate from; repeat for several (required)
//	--namespace ns           watch only this namespace's GlobalIPs (default: all)
//	--leader-elect           stand for election on a Lease (default true); false: one replica, no Lease
//	--lease-namespace ns     namespace of the leader-election Lease (default "default")
//	--lease-name name        name of the Lease (default "meshstate-ipam")
//	--identity id            this replica's name in the Lease (default: the hostname)
//	--release-on-not-found   reallocate when an internal Service is confirmed gone
//	--metrics-bind-address a serve Prometheus metrics at /metrics (default "127.0.0.1:8080"; "0" disables)
//	--metrics-secure         HTTPS, and each scrape authenticated and authorized (default: true unless loopback)
//	--health-probe-bind-address a  serve /healthz and /readyz (default ":8081"; "0" disables)
//	--log-format text|json   log format (default text)
//	-v n                     log verbosity (default 0), klog's included
//	--qps n, --burst n       client-side rate limits of API requests (default 100, 200)
//
// The old -metrics-addr still works, as a deprecated name of
// --metrics-bind-address.
//
// Pools: every --pool must be a masked prefix (no host bits set), not a
// single address (/32, /128: a pool of one address is nearly always an
// address typed where its prefix was meant; a /31 or /127 holds two);
// pools must not overlap, nor hold more than 2^24 addresses together, nor
// be IPv4-mapped IPv6 (ipam.NewPool's checks).
//
// Metrics: by default on 127.0.0.1:8080 in plain HTTP, reachable from the
// pod only (kubectl port-forward, a sidecar). On any other address they
// are served over HTTPS with a self-signed certificate, and each scrape
// must carry a bearer token that a TokenReview authenticates and a
// SubjectAccessReview authorizes for "get" on the non-resource URL
// /metrics; --metrics-secure=false with a non-loopback address is refused.
// The ServiceAccount then needs "create" on tokenreviews
// (authentication.k8s.io) and subjectaccessreviews (authorization.k8s.io),
// and the scraper a ClusterRole allowing get on nonResourceURLs
// ["/metrics"]. Served: the allocator's gauges and counters
// (ipamkube.Adapter.Collector), client-go's request metrics
// (rest_client_*), and the Go and process collectors.
//
// Probes: /healthz answers 200 while the process runs. /readyz answers 200
// on a replica that allocates once its term has recovered every
// allocation from the GlobalIPs' statuses (its informers synced), 503
// before; a standby replica (waiting for the Lease) is ready once
// started, since it has nothing to recover until it leads, and a rolling
// update must not wait for it to lead. With --leader-elect=false the
// replica is ready once its allocator has recovered.
//
// Logs: one line per entry on standard error, text (key="value") or JSON
// (--log-format json), each with a "ts" timestamp; client-go's klog lines
// go through the same logger.
//
// It runs until interrupted (SIGINT or SIGTERM), giving the Lease up on the
// way out so a standby takes over at once. When it loses the Lease, it
// stands for election again as a standby; its next term recovers every
// allocation from the GlobalIPs' statuses.
//
// Exit status: 0 once interrupted and stopped, and for -h or --help (help
// on standard error); 2 on bad usage (an unknown flag, a bad value, a
// missing, invalid, overlapping or too large pool, stray arguments,
// --metrics-secure=false on a non-loopback address); 1 on a runtime
// failure (no usable client configuration, an address already in use, the
// allocator failing).
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
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	code := prog.ExitCode(err)
	if code != prog.ExitOK {
		fmt.Fprintln(os.Stderr, "globalnet:", err)
	}
	os.Exit(code)
}

// run parses args, then allocates until ctx is done; logs and help go to
// logs.
func run(ctx context.Context, args []string, logs io.Writer) error {
	opts, err := parseFlags(args, logs)
	if err != nil {
		return err
	}
	return serve(ctx, opts, logs)
}
