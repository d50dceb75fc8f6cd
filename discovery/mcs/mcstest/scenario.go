package mcstest

import (
	"embed"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/transcript"
)

//go:embed testdata/scenarios/*.txt
var scenarioFiles embed.FS

// Scenario is a shipped transcript (see package transcript): a field
// incident or peer case for the export machine, each event with the effects it must
// cause. Its Config is a mcs.Config as a transcript line.
type Scenario struct {
	transcript.File // the parsed file: header, config and steps
}

// Line is one replayed step.
type Line = transcript.Line[mcs.Event, mcs.Effect]

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	return transcript.LoadAs[Scenario](scenarioFiles, "testdata/scenarios", kit(nil))
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the Checker's rules, and returns the transcript and the
// machine. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *mcs.Machine, error) {
	return transcript.ReplayKeeping(s.File, kit)
}

var sentinels = map[string]error{
	"ErrInvalidExport": mcs.ErrInvalidExport,
	"ErrInvalidImport": mcs.ErrInvalidImport,
	"ErrUnknownExport": mcs.ErrUnknownExport,
	"ErrUnknownImport": mcs.ErrUnknownImport,
	"ErrInvalidEvent":  mcs.ErrInvalidEvent,
}

// kit drives the export machine for a transcript, checking the Checker's rules after
// each step; it leaves the machine started last in *last, if last is not
// nil.
func kit(last **mcs.Machine) transcript.Kit[mcs.Config, mcs.Event, mcs.Effect] {
	return transcript.Kit[mcs.Config, mcs.Event, mcs.Effect]{
		Decode:    mcs.UnmarshalEvent,
		Sentinels: sentinels,
		Start: func(cfg mcs.Config) (transcript.Machine[mcs.Event, mcs.Effect], error) {
			m, err := mcs.New(cfg)
			if last != nil {
				*last = m
			}
			checker := NewChecker(cfg.ClusterID)
			check := func(ev mcs.Event, effects []mcs.Effect, err error) error {
				if err != nil {
					return nil // a rejection is the scenario's to expect
				}
				return checker.Observe(ev, effects)
			}
			return transcript.Machine[mcs.Event, mcs.Effect]{Step: m.Step, Check: check}, err
		},
	}
}
