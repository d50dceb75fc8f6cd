package icmp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/health"
)

// CheckerConfig configures a Checker.
type CheckerConfig struct {
	// Health sets the machine's window and thresholds.
	Health health.Config
	// Probe configures the Pool; its Results must be nil, because the
	// Checker takes the results itself.
	Probe Config
	// ReportInterval is how often Run asks the machine for a Report; zero
	// means never.
	ReportInterval time.Duration
	// Effects, if set, is told every StatusChanged and Report effect, in
	// the order the machine made them. It is called with the Checker's lock
	// held, which is what keeps that order, so it must not call the Checker
	// and should hand the effect off quickly.
	Effects func(health.Effect)
}

// Checker is a gateway's health checker: the health machine, fed by
// endpoint notifications and by a Pool's probe results, with its prober
// effects applied to that Pool. It implements endpoint.Handler and
// endpoint.StaleHandler, so a superseded endpoint's prober stops when the
// endpoint machine retires it (field incident 000). Its methods are safe
// for concurrent use; one lock serialises every step of the machine, so
// statuses are never read while being written.
type Checker struct {
	mu      sync.Mutex
	machine *health.Machine
	pool    *Pool
	buf     []health.Effect
	every   time.Duration
	effects func(health.Effect)
}

// NewChecker validates cfg and returns a checker tracking nothing; call Run
// to start probing.
func NewChecker(cfg CheckerConfig) (*Checker, error) {
	if cfg.Probe.Results != nil {
		return nil, fmt.Errorf("%w: Probe.Results is set; the Checker takes the results", ErrInvalidConfig)
	}
	if cfg.ReportInterval < 0 {
		return nil, fmt.Errorf("%w: ReportInterval %v is negative", ErrInvalidConfig, cfg.ReportInterval)
	}
	m, err := health.New(cfg.Health)
	if err != nil {
		return nil, err
	}
	c := &Checker{machine: m, every: cfg.ReportInterval, effects: cfg.Effects}
	cfg.Probe.Results = c.result
	if c.pool, err = New(cfg.Probe); err != nil {
		return nil, err
	}
	return c, nil
}

// Notify steps the endpoint machine's notifications, in order, and starts
// and stops probers as the health machine decides. A rejected batch changes
// nothing. An error from the Pool (ErrStopped once Run has returned) is
// returned after the whole batch has been applied.
func (c *Checker) Notify(ns ...endpoint.Effect) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	effects, err := c.machine.AppendNotifications(c.buf[:0], ns)
	if err != nil {
		return err
	}
	return c.apply(effects)
}

// RemoteEndpointCreated starts probing ep's health-check IP.
func (c *Checker) RemoteEndpointCreated(ep *endpoint.Endpoint) error {
	return c.Notify(endpoint.Effect{Kind: endpoint.RemoteEndpointCreated, Endpoint: *ep})
}

// RemoteEndpointUpdated restarts the prober if ep's health-check IP or UID
// changed.
func (c *Checker) RemoteEndpointUpdated(ep *endpoint.Endpoint) error {
	return c.Notify(endpoint.Effect{Kind: endpoint.RemoteEndpointUpdated, Endpoint: *ep})
}

// RemoteEndpointRemoved stops probing ep.
func (c *Checker) RemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	return c.Notify(endpoint.Effect{Kind: endpoint.RemoteEndpointRemoved, Endpoint: *ep})
}

// StaleRemoteEndpointRemoved stops probing a superseded endpoint.
func (c *Checker) StaleRemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	return c.Notify(endpoint.Effect{Kind: endpoint.StaleRemoteEndpointRemoved, Endpoint: *ep})
}

// Status returns a tracked endpoint's status.
func (c *Checker) Status(name string) (health.EndpointStatus, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.machine.Status(name)
}

// Statuses returns every tracked endpoint's status, by name.
func (c *Checker) Statuses() []health.EndpointStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.machine.Statuses()
}

// Probing returns the keys the Pool is probing, in no particular order:
// the machine's tracked endpoints, for tests and metrics.
func (c *Checker) Probing() []string { return c.pool.Keys() }

// Run probes, and reports every ReportInterval, until ctx is done, then
// stops every prober and returns once all its goroutines have exited. It
// returns the Pool's error if its socket fails. A Checker runs once.
func (c *Checker) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if c.every > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.report(ctx)
		}()
	}
	err := c.pool.Run(ctx)
	cancel()
	wg.Wait()
	return err
}

// report steps a Tick every c.every until ctx is done.
func (c *Checker) report(ctx context.Context) {
	t := time.NewTicker(c.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.mu.Lock()
			effects, _ := c.machine.AppendStep(c.buf[:0], health.Tick{At: now})
			_ = c.apply(effects) // a Report starts and stops nothing
			c.mu.Unlock()
		}
	}
}

// result is the Pool's Results: one probe outcome into the machine.
func (c *Checker) result(r Result) {
	ev := health.ProbeResult{Endpoint: r.Key, Generation: r.Generation, Seq: r.Seq, Sent: r.Sent,
		Received: r.Received, Lost: r.Lost}
	c.mu.Lock()
	defer c.mu.Unlock()
	// The Pool's results are well formed by construction; one that is not
	// is dropped by the machine, as it must be, and changes nothing.
	effects, _ := c.machine.AppendProbeResult(c.buf[:0], &ev)
	_ = c.apply(effects)
}

// apply carries out effects in order; c.mu is held. It keeps the buffer for
// the next step.
func (c *Checker) apply(effects []health.Effect) error {
	var errs []error
	for i := range effects {
		e := &effects[i]
		switch e.Kind {
		case health.StartProber:
			if err := c.pool.Start(e.Endpoint, e.Generation, e.IP); err != nil {
				errs = append(errs, fmt.Errorf("start prober for %s: %w", e.Endpoint, err))
			}
		case health.StopProber:
			c.pool.Stop(e.Endpoint)
		default:
			if c.effects != nil {
				c.effects(*e)
			}
		}
	}
	clear(effects) // drop references to the reported statuses
	c.buf = effects[:0]
	return errors.Join(errs...)
}
