package mcstest

import (
	"embed"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/*.json
var exportScenarioFiles embed.FS

// Scenario is a recorded event sequence with the effects each event
// must cause. Its Config is a mcs.Config in JSON.
type Scenario struct{ scenario.File }

var exportSentinels = map[string]error{
	"ErrInvalidExport":      mcs.ErrInvalidExport,
	"ErrInvalidImport":      mcs.ErrInvalidImport,
	"ErrUnknownExport":      mcs.ErrUnknownExport,
	"ErrUnknownImport":      mcs.ErrUnknownImport,
	"ErrInvalidExportEvent": mcs.ErrInvalidEvent,
}

// Scenarios returns the export scenarios shipped with the kit, by
// file name.
func Scenarios() ([]Scenario, error) {
	files, err := scenario.Load(exportScenarioFiles, "testdata/scenarios", mcs.UnmarshalEvent)
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
type Line = scenario.Line[mcs.Event, mcs.Effect]

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the Checker's rules, and returns the transcript
// and the machine. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *mcs.Machine, error) {
	var cfg mcs.Config
	if err := s.DecodeConfig(&cfg); err != nil {
		return nil, nil, err
	}
	m, err := mcs.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	checker := NewChecker(cfg.ClusterID)
	check := func(ev mcs.Event, effects []mcs.Effect, err error) error {
		if err != nil {
			return nil // a rejection is the scenario's to expect
		}
		return checker.Observe(ev, effects)
	}
	lines, err := scenario.Replay(s.File, mcs.UnmarshalEvent, m.Step, check, exportSentinels)
	return lines, m, err
}
