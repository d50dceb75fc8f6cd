package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/dispatch"
	"github.com/meshstate/meshstate/retry"
)

// routeAgent implements endpoint.Handler only: the stale kinds do not concern
// routes, which already point at the newer endpoint. Its first netlink call
// fails.
type routeAgent struct {
	failed bool
	log    chan<- string
}

func (r *routeAgent) RemoteEndpointCreated(ep *endpoint.Endpoint) error {
	if !r.failed {
		r.failed = true
		return errors.New("netlink: device or resource busy")
	}
	r.log <- "route: via " + ep.Name
	return nil
}

func (r *routeAgent) RemoteEndpointUpdated(*endpoint.Endpoint) error { return nil }

func (r *routeAgent) RemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	r.log <- "route: withdraw " + ep.Name
	return nil
}

// healthChecker implements endpoint.StaleHandler too, to stop probing
// superseded endpoints (incident 000).
type healthChecker struct{ log chan<- string }

func (h healthChecker) RemoteEndpointCreated(ep *endpoint.Endpoint) error {
	h.log <- "health: probe " + ep.Name
	return nil
}

func (h healthChecker) RemoteEndpointUpdated(*endpoint.Endpoint) error { return nil }

func (h healthChecker) RemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	h.log <- "health: stop probing " + ep.Name
	return nil
}

func (h healthChecker) StaleRemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	h.log <- "health: stop probing stale " + ep.Name
	return nil
}

// A gateway restart in cluster east: east-b supersedes east-a, then east-a
// is deleted. The route agent fails once and retries; the health checker is
// not held up and learns that east-a is gone.
func Example() {
	m, err := endpoint.New(endpoint.Config{})
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var ns []endpoint.Effect
	for _, ev := range []endpoint.Event{
		endpoint.Upsert{Endpoint: endpoint.Endpoint{Name: "east-a", ClusterID: "east", CreatedAt: t0}},
		endpoint.Synced{},
		endpoint.Upsert{Endpoint: endpoint.Endpoint{Name: "east-b", ClusterID: "east", CreatedAt: t0.Add(time.Minute)}},
		endpoint.Delete{Name: "east-a"},
	} {
		out, err := m.Step(ev)
		if err != nil {
			panic(err)
		}
		ns = append(ns, out...)
	}

	// Each handler logs to its own channel: each sees its notifications in
	// order, but the two run concurrently.
	routes, health, failures := make(chan string, 10), make(chan string, 10), make(chan string, 10)
	d, err := dispatch.New(
		[]endpoint.Handler{&routeAgent{log: routes}, healthChecker{log: health}},
		// Retry after 1ms, to keep the example fast; keep the default,
		// retry.DefaultSchedule, in production.
		dispatch.WithRetry(retry.Schedule{Initial: time.Millisecond, Max: time.Millisecond, Multiplier: 1}),
		dispatch.WithErrorFunc(func(h int, n endpoint.Effect, err error, retryIn time.Duration) {
			failures <- fmt.Sprintf("handler %d failed %v: %v; retry in %v", h, n, err, retryIn)
		}),
	)
	if err != nil {
		panic(err)
	}
	if err := d.Enqueue(ns...); err != nil {
		panic(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- d.Run(ctx) }()

	for range 3 {
		fmt.Println(<-health)
	}
	fmt.Println(<-failures)
	for range 2 {
		fmt.Println(<-routes)
	}
	cancel()
	if err := <-stopped; err != nil {
		panic(err)
	}
	// Output:
	// health: probe east-a
	// health: probe east-b
	// health: stop probing stale east-a
	// handler 0 failed RemoteEndpointCreated east-a: netlink: device or resource busy; retry in 1ms
	// route: via east-a
	// route: via east-b
}

// A route handler's netlink calls keep failing: the dispatcher retries
// them after the delays of its schedule, here 10ms doubling up to 40ms
// without jitter, and never gives up on its own. The ErrorFunc sees each
// delay before the wait.
func ExampleWithRetry() {
	ep := endpoint.Endpoint{Name: "east-a", ClusterID: "east"}
	failures := 0
	accepted := make(chan struct{})
	routes := endpoint.HandlerFuncs{RemoteCreated: func(*endpoint.Endpoint) error {
		if failures < 4 {
			failures++
			return errors.New("netlink: device or resource busy")
		}
		close(accepted)
		return nil
	}}
	d, err := dispatch.New([]endpoint.Handler{routes},
		dispatch.WithRetry(retry.Schedule{Initial: 10 * time.Millisecond, Max: 40 * time.Millisecond, Multiplier: 2}),
		// The ErrorFunc runs on the handler's goroutine, before each wait.
		dispatch.WithErrorFunc(func(_ int, n endpoint.Effect, err error, retryIn time.Duration) {
			fmt.Printf("%v: %v; retry in %v\n", n, err, retryIn)
		}),
	)
	if err != nil {
		panic(err)
	}
	if err := d.Enqueue(endpoint.Effect{Kind: endpoint.RemoteEndpointCreated, Endpoint: ep}); err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- d.Run(ctx) }()
	<-accepted
	cancel()
	if err := <-stopped; err != nil {
		panic(err)
	}
	fmt.Println("accepted after", failures, "failures")
	// Output:
	// RemoteEndpointCreated east-a: netlink: device or resource busy; retry in 10ms
	// RemoteEndpointCreated east-a: netlink: device or resource busy; retry in 20ms
	// RemoteEndpointCreated east-a: netlink: device or resource busy; retry in 40ms
	// RemoteEndpointCreated east-a: netlink: device or resource busy; retry in 40ms
	// accepted after 4 failures
}
