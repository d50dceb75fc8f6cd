package ipamkube_test

import (
	"context"
	"errors"
	"log"
	"net/netip"
	"os"
	"os/signal"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// A global-IP allocator for a cluster, as examples/globalnet runs it: two
// or more replicas share the Lease, and the leader allocates from
// 242.254.0.0/16. It needs a cluster, so it is compiled, not run.
func Example() {
	rc, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		log.Fatal(err)
	}
	rc.QPS, rc.Burst = 200, 400
	hostname, _ := os.Hostname()
	a, err := ipamkube.New(ipamkube.Config{
		REST:    rc,
		Machine: ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.254.0.0/16")}},
		LeaderElection: &ipamkube.LeaderElection{Namespace: "meshstate-system", Name: "meshstate-ipam",
			Identity: hostname, ReleaseOnCancel: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(a.Collector())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	for {
		err := a.Run(ctx)
		if !errors.Is(err, ipamkube.ErrLeadershipLost) {
			log.Println("allocator stopped:", err)
			return
		}
		// Lost the Lease: stand for election again, as a standby.
	}
}
