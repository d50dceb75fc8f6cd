package healthtest

import (
	"embed"
	"fmt"

	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/*.json
var scenarioFiles embed.FS

// Scenario is a recorded event sequence with the effects each event must
// cause. Its Config is a health.Config in JSON.
type Scenario struct{ scenario.File }

var sentinels = map[string]error{"ErrInvalidEvent": health.ErrInvalidEvent}

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	files, err := scenario.Load(scenarioFiles, "testdata/scenarios", health.UnmarshalEvent)
	if err != nil {
		return nil, err
	}
	out := make([]Scenario, len(files))
	for i, f := range files {
		out[i] = Scenario{f}
	}
	return out, nil
}

// Line is one replayed step.
type Line = scenario.Line[health.Event, health.Effect]

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and, after it, that exactly the tracked endpoints have a
// running prober. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *health.Machine, error) {
	var cfg health.Config
	if err := s.DecodeConfig(&cfg); err != nil {
		return nil, nil, err
	}
	m, err := health.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	life := NewLifecycle()
	check := func(_ health.Event, effects []health.Effect, _ error) error {
		if err := life.Apply(effects); err != nil {
			return err
		}
		if len(life.Running) != m.Len() {
			return fmt.Errorf("%d probers running for %d tracked endpoints", len(life.Running), m.Len())
		}
		for g, p := range life.Running {
			if ip, gen, ok := m.Prober(p.Endpoint); !ok || gen != g || ip != p.IP {
				return fmt.Errorf("prober #%d of %s at %s is not the machine's", g, p.Endpoint, p.IP)
			}
		}
		return nil
	}
	lines, err := scenario.Replay(s.File, health.UnmarshalEvent, m.Step, check, sentinels)
	return lines, m, err
}
