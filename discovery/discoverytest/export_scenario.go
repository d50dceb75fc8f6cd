package discoverytest

import (
	"embed"

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/export/*.json
var exportScenarioFiles embed.FS

// ExportScenario is a recorded event sequence with the effects each event
// must cause. Its Config is a discovery.ExportConfig in JSON.
type ExportScenario struct{ scenario.File }

var exportSentinels = map[string]error{
	"ErrInvalidExport":      discovery.ErrInvalidExport,
	"ErrInvalidImport":      discovery.ErrInvalidImport,
	"ErrUnknownExport":      discovery.ErrUnknownExport,
	"ErrUnknownImport":      discovery.ErrUnknownImport,
	"ErrInvalidExportEvent": discovery.ErrInvalidExportEvent,
}

// ExportScenarios returns the export scenarios shipped with the kit, by
// file name.
func ExportScenarios() ([]ExportScenario, error) {
	files, err := scenario.Load(exportScenarioFiles, "testdata/scenarios/export", discovery.UnmarshalExportEvent)
	if err != nil {
		return nil, err
	}
	out := make([]ExportScenario, len(files))
	for i, f := range files {
		out[i] = ExportScenario{f}
	}
	return out, nil
}

// ExportLine is one replayed step.
type ExportLine = scenario.Line[discovery.ExportEvent, discovery.ExportEffect]

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the ExportChecker's rules, and returns the transcript
// and the machine. The error is non-nil if any step has a Problem.
func (s ExportScenario) Replay() ([]ExportLine, *discovery.ExportMachine, error) {
	var cfg discovery.ExportConfig
	if err := s.DecodeConfig(&cfg); err != nil {
		return nil, nil, err
	}
	m, err := discovery.NewExportMachine(cfg)
	if err != nil {
		return nil, nil, err
	}
	checker := NewExportChecker(cfg.ClusterID)
	check := func(ev discovery.ExportEvent, effects []discovery.ExportEffect, err error) error {
		if err != nil {
			return nil // a rejection is the scenario's to expect
		}
		return checker.Observe(ev, effects)
	}
	lines, err := scenario.Replay(s.File, discovery.UnmarshalExportEvent, m.Step, check, exportSentinels)
	return lines, m, err
}
