package icmp_test

import (
	"context"
	"fmt"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/dispatch"
	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/health/icmp"
)

// A gateway's health checker: registered with the endpoint dispatcher, it
// probes every remote endpoint's health-check IP, stops as soon as one is
// removed or superseded, and reports status changes. Probing needs
// CAP_NET_RAW, so this example is compiled but not run.
func ExampleChecker() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	checker, err := icmp.NewChecker(icmp.CheckerConfig{
		Health:         health.Config{Window: 16, ErrorAfter: 5},
		Probe:          icmp.Config{Interval: time.Second, Timeout: time.Second},
		ReportInterval: 30 * time.Second,
		Effects: func(e health.Effect) {
			if e.Kind == health.StatusChanged {
				fmt.Printf("%s is %s (%s)\n", e.Endpoint, e.Status, e.Reason)
			}
		},
	})
	if err != nil {
		panic(err)
	}
	go checker.Run(ctx)

	d, err := dispatch.New([]endpoint.Handler{checker})
	if err != nil {
		panic(err)
	}
	go d.Run(ctx)
	// The endpoint machine's notifications go to d.Enqueue.
}
