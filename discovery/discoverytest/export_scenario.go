package discoverytest

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"

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
type ExportLine struct {
	Step    scenario.Step
	Event   discovery.ExportEvent
	Effects []discovery.ExportEffect
	Err     error
	// Problem says how the step departed from the scenario or broke a
	// rule the ExportChecker enforces; empty when it did neither.
	Problem string
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the ExportChecker's rules, and returns the transcript
// and the machine. The error is non-nil if any step has a Problem.
func (s ExportScenario) Replay() ([]ExportLine, *discovery.ExportMachine, error) {
	var cfg discovery.ExportConfig
	if err := json.Unmarshal(s.File.Config, &cfg); err != nil {
		return nil, nil, fmt.Errorf("%s: config: %w", s.Name, err)
	}
	m, err := discovery.NewExportMachine(cfg)
	if err != nil {
		return nil, nil, err
	}
	checker := NewExportChecker(cfg.ClusterID)
	var lines []ExportLine
	var failed error
	for i, st := range s.Steps {
		ev, err := discovery.UnmarshalExportEvent(st.Event)
		if err != nil {
			return lines, m, fmt.Errorf("step %d: %w", i, err)
		}
		effects, stepErr := m.Step(ev)
		line := ExportLine{Step: st, Event: ev, Effects: effects, Err: stepErr,
			Problem: scenario.Mismatch(st, effects, stepErr, exportSentinels, errors.Is)}
		if line.Problem == "" && stepErr == nil {
			if err := checker.Observe(ev, effects); err != nil {
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
