package viptest

import (
	"embed"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/*.json
var vipScenarioFiles embed.FS

// Scenario is a recorded event sequence for the VIP machine with the
// effects each event must cause. Its Config is a vip.Config in
// JSON.
type Scenario struct{ scenario.File }

var vipSentinels = map[string]error{
	"ErrInvalidService":  vip.ErrInvalidService,
	"ErrInvalidSlice":    vip.ErrInvalidSlice,
	"ErrUnknownService":  vip.ErrUnknownService,
	"ErrUnknownSlice":    vip.ErrUnknownSlice,
	"ErrVIPUIDMismatch":  vip.ErrUIDMismatch,
	"ErrInvalidVIPEvent": vip.ErrInvalidEvent,
}

// Scenarios returns the VIP scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	files, err := scenario.Load(vipScenarioFiles, "testdata/scenarios", vip.UnmarshalEvent)
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
type Line = scenario.Line[vip.Event, vip.Effect]

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and, with a Checker, the invariants; it returns the
// transcript and the machine. The error is non-nil if any step has a
// Problem.
func (s Scenario) Replay() ([]Line, *vip.Machine, error) {
	var cfg vip.Config
	if err := s.DecodeConfig(&cfg); err != nil {
		return nil, nil, err
	}
	m, err := vip.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	lines, err := scenario.Replay(s.File, vip.UnmarshalEvent, m.Step, NewChecker(cfg).Observe, vipSentinels)
	return lines, m, err
}
