package health_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/health"
)

// Incident 000 from the checker's side: a gateway restart announces a new
// endpoint and retires the old one as stale. The old prober is stopped, and
// its late result is ignored rather than resurrecting the ghost.
func ExampleMachine() {
	m, _ := health.New(health.Config{Window: 4, ErrorAfter: 2})
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	old := endpoint.Endpoint{Name: "c2-gw-1", ClusterID: "c2", HealthCheckIP: netip.MustParseAddr("10.2.0.1")}
	next := endpoint.Endpoint{Name: "c2-gw-2", ClusterID: "c2", HealthCheckIP: netip.MustParseAddr("10.2.0.2")}
	show := func(ev health.Event) {
		effects, err := m.Step(ev)
		if err != nil {
			fmt.Println("rejected:", err)
		}
		for _, e := range effects {
			fmt.Println(e)
		}
	}
	show(health.Notified{Notification: endpoint.Effect{Kind: endpoint.RemoteEndpointCreated, Endpoint: old}})
	show(health.ProbeResult{Endpoint: "c2-gw-1", Generation: 1, Seq: 1, Sent: at, Received: at.Add(3 * time.Millisecond)})
	show(health.Notified{Notification: endpoint.Effect{Kind: endpoint.RemoteEndpointCreated, Endpoint: next}})
	show(health.Notified{Notification: endpoint.Effect{Kind: endpoint.StaleRemoteEndpointRemoved, Endpoint: old}})
	show(health.ProbeResult{Endpoint: "c2-gw-1", Generation: 1, Seq: 2, Lost: true}) // late: ignored
	show(health.ProbeResult{Endpoint: "c2-gw-2", Generation: 2, Seq: 1, Lost: true})
	show(health.ProbeResult{Endpoint: "c2-gw-2", Generation: 2, Seq: 2, Lost: true})
	show(health.ProbeResult{Endpoint: "c2-gw-2", Generation: 2, Seq: 3, Sent: at, Received: at.Add(2 * time.Millisecond)})
	show(health.Tick{At: at})
	st, _ := m.Status("c2-gw-2")
	fmt.Println(st.Reason, st.Results, st.Lost, st.Latency.Mean)
	// Output:
	// StartProber c2-gw-1 10.2.0.1 #1
	// StatusChanged c2-gw-1 connecting/ProberStarted
	// StatusChanged c2-gw-1 connected/Replies
	// StartProber c2-gw-2 10.2.0.2 #2
	// StatusChanged c2-gw-2 connecting/ProberStarted
	// StopProber c2-gw-1 #1
	// StatusChanged c2-gw-2 error/ConsecutiveLosses
	// StatusChanged c2-gw-2 degraded/LossRatio
	// Report c2-gw-2=degraded
	// LossRatio 3 2 2ms
}
