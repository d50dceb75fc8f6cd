// Command bgpvip announces a node's load-balancer VIPs to BGP peers: the
// VIP side of kube/examples/servicediscovery (kube/vipkube over a
// cluster's Services and EndpointSlices) with a real BGP speaker
// (kube/vipbgp, GoBGP) as its announcer, in place of printed lines.
//
// It decides which VIPs this node announces as vipkube does (incident 004:
// slices that arrive before their Service are kept, and nothing is
// announced before both informers have synced), and vipbgp announces them
// as host routes (/32, /128) to every peer, with this node, or
// --next-hop, as their next hop. The speaker opens no session before the
// first commit after sync (the sync gate), so a restarted node never
// offers its peers a partial table that they would act on by withdrawing
// the rest; with graceful restart (--graceful-restart-time) the peers keep
// its routes meanwhile.
//
// Usage:
//
//	cd kube/vipbgp && go run ./examples/bgpvip --asn 64512 --router-id 192.0.2.10 --peer 192.0.2.1:64500 [flags]
//
// Flags (the flag package takes -x and --x alike):
//
//	--asn n                  this speaker's AS number (required; asdot 1.10 accepted)
//	--router-id a            the BGP identifier, an IPv4 address (default: --next-hop; one of the two is required)
//	--peer a:asn[:password]  a neighbor; IPv6 in brackets ([2001:db8::1]:64500); repeatable, at least one
//	--peer-port n            the peers' TCP port (default 179)
//	--peer-multihop-ttl n    eBGP multihop TTL, 2 to 255 (default 0: directly connected)
//	--next-hop a             next hop of IPv4 VIPs (default: the session's local address)
//	--next-hop-v6 a          next hop of IPv6 VIPs (default: the session's local address)
//	--community c            a community on every route, ASN:VALUE; repeatable
//	--bgp-listen-port n      accept sessions on this port (default 0: only connect out)
//	--graceful-restart-time d  enable graceful restart: how long peers keep the routes across a restart (120s is usual; default 0: off)
//	--node-name name         this node, for externalTrafficPolicy Local (default: $NODE_NAME or the hostname)
//	--namespace ns           watch one namespace only (default: all)
//	--kubeconfig path        kubeconfig file (default: $KUBECONFIG; if both are empty, in-cluster)
//	--metrics-bind-address a serve Prometheus metrics at /metrics (default "127.0.0.1:8080"; "0" disables)
//	--metrics-secure         HTTPS, and each scrape authenticated and authorized (default: true unless loopback)
//	--health-probe-bind-address a  serve /healthz and /readyz (default ":8081"; "0" disables)
//	--log-format text|json   log format (default text)
//	-v n                     log verbosity (default 0; 1 logs every decision applied), klog's included
//
// A password on the command line is visible to every user of the node
// (/proc/PID/cmdline): in a pod, pass it from a Secret through an
// environment variable in the container's args ($(BGP_PASSWORD)).
//
// Leader election: none, by design. In BGP mode every node is a speaker of
// its own, announcing the VIPs whose endpoints it serves with itself as
// the next hop, and the routers spread the traffic over the nodes that
// announce a VIP (ECMP); a Lease would make one node attract all of it.
// Run it as a DaemonSet, one replica per node; two replicas on one node
// would both peer with the routers under the same router ID, which the
// routers refuse.
//
// Probes: /healthz answers 200 while the process runs; /readyz answers 200
// once both informers have synced (the VIP machine decides, and the sync
// gate has opened the sessions) and 503 with the reason before. A peer
// that is down does not make the node unready: restarting it would not
// bring the peer up.
//
// Logs: one line per entry on standard error, text or JSON, each with a
// "ts" timestamp; each peer's session state changes are logged
// ("peer session state", with the peer, its old and new state), as are the
// adapter's lifecycle and failures, and at -v 1 every announcement and
// withdrawal.
//
// Graceful restart is off by default, as in vipbgp: a peer keeps the
// routes of a speaker that died for good until the restart time runs out.
// Turn it on (--graceful-restart-time 120s) when bgpvip runs as a
// restartable workload, a DaemonSet's rolling update say: on SIGTERM the
// speaker then drops its sessions without a NOTIFICATION (which needs
// CAP_NET_ADMIN), the peers keep its routes as stale, and the new
// speaker's first UPDATEs, sent only once its caches synced, settle them
// with no withdrawal of a VIP that is still served.
//
// The service account needs the ClusterRole in kube/config/rbac/discovery.yaml
// (it reads Services and EndpointSlices). The program runs until
// interrupted (SIGINT or SIGTERM); on the way out the speaker closes its
// sessions, and peers with graceful restart keep the routes for
// --graceful-restart-time.
//
// Exit status: 0 once interrupted and stopped, and for -h or --help (help
// on standard error); 2 on bad usage (an unknown flag, a bad value, no
// --asn or --peer, stray arguments, a configuration vipbgp refuses); 1 on
// a runtime failure (no usable client configuration, an address already
// in use, a speaker that cannot start).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-logr/logr"

	"github.com/meshstate/meshstate/kube/internal/prog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	p := program{routeKlog: prog.RouteKlog, logs: os.Stderr}
	err := p.run(ctx, os.Args[1:])
	stop()
	code := prog.ExitCode(err)
	if code != prog.ExitOK {
		fmt.Fprintln(os.Stderr, "bgpvip:", err)
	}
	os.Exit(code)
}

// program is the process's wiring: where logs and help go, and how klog
// is routed into the program's logger.
type program struct {
	// routeKlog routes klog into the program's logger: prog.RouteKlog in
	// main. klog's SetLogger is not safe to call while other goroutines
	// log, which main never does before run; tests that run the program
	// beside their own API clients pass a no-op.
	routeKlog func(logr.Logger, int)
	// logs receives the log lines and the help.
	logs io.Writer
}
