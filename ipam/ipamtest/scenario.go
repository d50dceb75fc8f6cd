package ipamtest

import (
	"embed"

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
type Line = scenario.Line[ipam.Event, ipam.Effect]

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the invariants, and returns the transcript and the
// machine. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *ipam.Machine, error) {
	var cfg ipam.Config
	if err := s.DecodeConfig(&cfg); err != nil {
		return nil, nil, err
	}
	m, err := ipam.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	var before map[string]ipam.Holding
	step := func(ev ipam.Event) ([]ipam.Effect, error) {
		before = holdings(m)
		return m.Step(ev)
	}
	check := func(ev ipam.Event, _ []ipam.Effect, _ error) error {
		return Invariants(m, before, ev, cfg.ReleaseOnNotFound)
	}
	lines, err := scenario.Replay(s.File, ipam.UnmarshalEvent, step, check, sentinels)
	return lines, m, err
}
