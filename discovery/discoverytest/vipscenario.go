package discoverytest

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/vip/*.json
var vipScenarioFiles embed.FS

// VIPScenario is a recorded event sequence for the VIP machine with the
// effects each event must cause. Its Config is a discovery.VIPConfig in
// JSON.
type VIPScenario struct{ scenario.File }

var vipSentinels = map[string]error{
	"ErrInvalidService":  discovery.ErrInvalidService,
	"ErrInvalidSlice":    discovery.ErrInvalidSlice,
	"ErrUnknownService":  discovery.ErrUnknownService,
	"ErrUnknownSlice":    discovery.ErrUnknownSlice,
	"ErrVIPUIDMismatch":  discovery.ErrVIPUIDMismatch,
	"ErrInvalidVIPEvent": discovery.ErrInvalidVIPEvent,
}

// VIPScenarios returns the VIP scenarios shipped with the kit, by file name.
func VIPScenarios() ([]VIPScenario, error) {
	files, err := scenario.Load(vipScenarioFiles, "testdata/scenarios/vip", discovery.UnmarshalVIPEvent)
	if err != nil {
		return nil, err
	}
	out := make([]VIPScenario, len(files))
	for i, f := range files {
		out[i] = VIPScenario{f}
	}
	return out, nil
}

// VIPLine is one replayed step.
type VIPLine struct {
	Step    scenario.Step
	Event   discovery.VIPEvent
	Effects []discovery.VIPEffect
	Err     error
	// Problem says how the step departed from the scenario or broke an
	// invariant; empty when it did neither.
	Problem string
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and, with a VIPChecker, the invariants; it returns the
// transcript and the machine. The error is non-nil if any step has a
// Problem.
func (s VIPScenario) Replay() ([]VIPLine, *discovery.VIPMachine, error) {
	var cfg discovery.VIPConfig
	if err := json.Unmarshal(s.File.Config, &cfg); err != nil {
		return nil, nil, fmt.Errorf("%s: config: %w", s.Name, err)
	}
	m, err := discovery.NewVIPMachine(cfg)
	if err != nil {
		return nil, nil, err
	}
	c := NewVIPChecker(cfg)
	var lines []VIPLine
	var failed error
	for i, st := range s.Steps {
		ev, err := discovery.UnmarshalVIPEvent(st.Event)
		if err != nil {
			return lines, m, fmt.Errorf("step %d: %w", i, err)
		}
		effects, stepErr := m.Step(ev)
		line := VIPLine{Step: st, Event: ev, Effects: effects, Err: stepErr,
			Problem: scenario.Mismatch(st, effects, stepErr, vipSentinels, errors.Is)}
		if err := c.Observe(ev, effects, stepErr); err != nil && line.Problem == "" {
			line.Problem = err.Error()
		}
		if line.Problem != "" && failed == nil {
			failed = fmt.Errorf("%s step %d: %s", s.Name, i, line.Problem)
		}
		lines = append(lines, line)
	}
	return lines, m, failed
}
