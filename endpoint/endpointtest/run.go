package endpointtest

import (
	"fmt"
	"maps"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
)

// Observer is called after each event of a stream with the machine that
// took it and what it returned. A non-nil error stops the run.
type Observer func(m *endpoint.Machine, ev endpoint.Event, ns []endpoint.Effect, err error) error

// Run feeds steps to machines built from cfg, a fresh one at each restart,
// and calls observe after every event.
func Run(cfg endpoint.Config, steps []Step, observe Observer) error {
	m, err := endpoint.New(cfg)
	if err != nil {
		return err
	}
	for i, s := range steps {
		if s.Restart {
			if m, err = endpoint.New(cfg); err != nil {
				return err
			}
			if err := observe(m, nil, nil, nil); err != nil {
				return fmt.Errorf("step %d (restart): %w", i, err)
			}
			continue
		}
		ns, stepErr := m.Step(s.Event)
		if err := observe(m, s.Event, ns, stepErr); err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
	}
	return nil
}

// Check runs steps through a machine with the default order and a Checker,
// and compares the machine's queries with the model after every step.
func Check(localClusterID string, steps []Step) error {
	c := NewChecker(localClusterID)
	return Run(endpoint.Config{LocalClusterID: localClusterID}, steps,
		func(m *endpoint.Machine, ev endpoint.Event, ns []endpoint.Effect, err error) error {
			if ev == nil {
				c.Restart()
				return nil
			}
			if err := c.Observe(ev, ns, err); err != nil {
				return err
			}
			return c.CheckMachine(m)
		})
}

// Expectation is what a handler should be acting on after a step.
type Expectation struct {
	// Active maps each cluster ID to its active endpoint, as announced.
	Active map[string]endpoint.Endpoint
	// Announced holds, by name, every endpoint announced and not yet
	// retired: a health checker probes exactly these.
	Announced map[string]endpoint.Endpoint
}

// CheckHandler delivers the notifications of a stream to a handler made by
// newHandler (a new one at every restart, as a restarted controller builds
// one) with endpoint.Deliver, checks the package's invariants, and after
// every step asks verify whether the handler's own state matches what it
// was told. A handler error fails the check: retries are the dispatcher's
// business, not the handler's contract.
func CheckHandler(localClusterID string, steps []Step, newHandler func() endpoint.Handler,
	verify func(h endpoint.Handler, want Expectation) error) error {
	c := NewChecker(localClusterID)
	h := newHandler()
	return Run(endpoint.Config{LocalClusterID: localClusterID}, steps,
		func(m *endpoint.Machine, ev endpoint.Event, ns []endpoint.Effect, err error) error {
			if ev == nil {
				c.Restart()
				h = newHandler()
				return nil
			}
			if err := c.Observe(ev, ns, err); err != nil {
				return err
			}
			for _, n := range ns {
				if err := endpoint.Deliver(h, n); err != nil {
					return fmt.Errorf("handler refused %v: %w", n, err)
				}
			}
			return verify(h, c.expectation())
		})
}

func (c *Checker) expectation() Expectation {
	want := Expectation{Active: map[string]endpoint.Endpoint{}, Announced: maps.Clone(c.announced)}
	for cluster, name := range c.active {
		want.Active[cluster] = c.announced[name]
	}
	return want
}

// HandlerProperty is CheckHandler over generated streams, for rapid.Check.
func HandlerProperty(cfg GenConfig, newHandler func() endpoint.Handler,
	verify func(h endpoint.Handler, want Expectation) error) func(*rapid.T) {
	return func(t *rapid.T) {
		steps := Stream(cfg).Draw(t, "steps")
		if err := CheckHandler(cfg.LocalClusterID, steps, newHandler, verify); err != nil {
			t.Fatal(err)
		}
	}
}
