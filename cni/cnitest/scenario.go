package cnitest

import (
	"embed"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/*.json
var scenarioFiles embed.FS

// Scenario is a recorded event sequence with the effects each event must
// cause. Its Config is a cni.Config in JSON.
type Scenario struct{ scenario.File }

var sentinels = map[string]error{
	"ErrInvalidLink":    cni.ErrInvalidLink,
	"ErrInvalidAddress": cni.ErrInvalidAddress,
	"ErrInvalidEvent":   cni.ErrInvalidEvent,
}

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	files, err := scenario.Load(scenarioFiles, "testdata/scenarios", cni.UnmarshalEvent)
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
type Line = scenario.Line[cni.Event, cni.Effect]

// Replay runs the scenario through a fresh machine, checking each step's
// expectations, the model and the never-stuck invariant, and returns the
// transcript and the machine. The error is non-nil if any step has a
// Problem.
func (s Scenario) Replay() ([]Line, *cni.Machine, error) {
	var cfg cni.Config
	if err := s.DecodeConfig(&cfg); err != nil {
		return nil, nil, err
	}
	m, err := cni.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	model := NewModel()
	var before cni.Choice
	var had bool
	step := func(ev cni.Event) ([]cni.Effect, error) {
		before, had = m.Current()
		return m.Step(ev)
	}
	check := func(ev cni.Event, effects []cni.Effect, err error) error {
		if err != nil {
			return nil // rejected: changes nothing, which the model mirrors
		}
		model.Apply(ev)
		return Check(m, model, before, had, effects, cfg.PodCIDRs)
	}
	lines, err := scenario.Replay(s.File, cni.UnmarshalEvent, step, check, sentinels)
	return lines, m, err
}
