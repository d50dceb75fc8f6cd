package ipamtest

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/meshstate/meshstate/internal/scenario"
	"github.com/meshstate/meshstate/ipam"
)

//go:embed testdata/scenarios/*.json
var scenarioFiles embed.FS

// Scenario is a recorded event sequence with the effects each event must
// cause. Its Config is an ipam.Config in JSON.
type Scenario struct{ scenario.File }

var sentinels = map[string]error{
	"ErrInvalidOwner": ipam.ErrInvalidOwner,
	"ErrWantChanged":  ipam.ErrWantChanged,
	"ErrUnknownOwner": ipam.ErrUnknownOwner,
	"ErrUIDMismatch":  ipam.ErrUIDMismatch,
	"ErrInvalidEvent": ipam.ErrInvalidEvent,
}

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	files, err := scenario.Load(scenarioFiles, "testdata/scenarios", ipam.UnmarshalEvent)
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
type Line struct {
	Step    scenario.Step
	Event   ipam.Event
	Effects []ipam.Effect
	Err     error
	// Problem says how the step departed from the scenario or broke an
	// invariant; empty when it did neither.
	Problem string
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the invariants, and returns the transcript and the
// machine. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *ipam.Machine, error) {
	var cfg ipam.Config
	if err := json.Unmarshal(s.File.Config, &cfg); err != nil {
		return nil, nil, fmt.Errorf("%s: config: %w", s.Name, err)
	}
	m, err := ipam.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	var lines []Line
	var failed error
	for i, st := range s.Steps {
		ev, err := ipam.UnmarshalEvent(st.Event)
		if err != nil {
			return lines, m, fmt.Errorf("step %d: %w", i, err)
		}
		before := holdings(m)
		effects, stepErr := m.Step(ev)
		line := Line{Step: st, Event: ev, Effects: effects, Err: stepErr,
			Problem: scenario.Mismatch(st, effects, stepErr, sentinels, errors.Is)}
		if line.Problem == "" {
			if err := Invariants(m, before, ev, cfg.ReleaseOnNotFound); err != nil {
				line.Problem = err.Error()
			}
		}
		if line.Problem != "" && failed == nil {
			failed = fmt.Errorf("%s step %d: %s", s.Name, i, line.Problem)
		}
		lines = append(lines, line)
	}
	return lines, m, failed
}
