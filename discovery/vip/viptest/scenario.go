package viptest

import (
	"embed"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/transcript"
)

//go:embed testdata/scenarios/*.txt
var scenarioFiles embed.FS

// Scenario is a shipped transcript (see package transcript): a field
// incident or peer case for the VIP machine, each event with the effects it must
// cause. Its Config is a vip.Config as a transcript line.
type Scenario struct {
	transcript.File // the parsed file: header, config and steps
}

// Line is one replayed step.
type Line = transcript.Line[vip.Event, vip.Effect]

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	return transcript.LoadAs[Scenario](scenarioFiles, "testdata/scenarios", kit(nil))
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the Checker's rules, and returns the transcript and the
// machine. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *vip.Machine, error) {
	return transcript.ReplayKeeping(s.File, kit)
}

var sentinels = map[string]error{
	"ErrInvalidService": vip.ErrInvalidService,
	"ErrInvalidSlice":   vip.ErrInvalidSlice,
	"ErrUnknownService": vip.ErrUnknownService,
	"ErrUnknownSlice":   vip.ErrUnknownSlice,
	"ErrUIDMismatch":    vip.ErrUIDMismatch,
	"ErrInvalidEvent":   vip.ErrInvalidEvent,
}

// kit drives the VIP machine for a transcript, checking the Checker's rules after
// each step; it leaves the machine started last in *last, if last is not
// nil.
func kit(last **vip.Machine) transcript.Kit[vip.Config, vip.Event, vip.Effect] {
	return transcript.Kit[vip.Config, vip.Event, vip.Effect]{
		Decode:    vip.UnmarshalEvent,
		Sentinels: sentinels,
		Start: func(cfg vip.Config) (transcript.Machine[vip.Event, vip.Effect], error) {
			m, err := vip.New(cfg)
			if last != nil {
				*last = m
			}
			return transcript.Machine[vip.Event, vip.Effect]{Step: m.Step, Check: NewChecker(cfg).Observe}, err
		},
	}
}
