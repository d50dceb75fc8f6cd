package cnitest

import (
	"embed"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/transcript"
)

//go:embed testdata/scenarios/*.txt
var scenarioFiles embed.FS

// Scenario is a shipped transcript (see package transcript): a field
// incident or peer case, each event with the effects it must cause. Its
// Config is a cni.Config as a transcript line.
type Scenario struct {
	transcript.File // the parsed file: header, config and steps
}

// Line is one replayed step.
type Line = transcript.Line[cni.Event, cni.Effect]

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	return transcript.LoadAs[Scenario](scenarioFiles, "testdata/scenarios", kit(nil))
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations, the model and the never-stuck invariant, and returns the
// transcript and the machine. The error is non-nil if any step has a
// Problem.
func (s Scenario) Replay() ([]Line, *cni.Machine, error) {
	return transcript.ReplayKeeping(s.File, kit)
}

var sentinels = map[string]error{
	"ErrInvalidLink":    cni.ErrInvalidLink,
	"ErrInvalidAddress": cni.ErrInvalidAddress,
	"ErrInvalidEvent":   cni.ErrInvalidEvent,
}

// kit drives the cni machine for a transcript, checking it against the
// Model after each step; it leaves the machine started last in *last, if
// last is not nil.
func kit(last **cni.Machine) transcript.Kit[cni.Config, cni.Event, cni.Effect] {
	return transcript.Kit[cni.Config, cni.Event, cni.Effect]{
		Decode:    cni.UnmarshalEvent,
		Sentinels: sentinels,
		Start: func(cfg cni.Config) (transcript.Machine[cni.Event, cni.Effect], error) {
			m, err := cni.New(cfg)
			if last != nil {
				*last = m
			}
			model := NewModel()
			var before cni.Choice
			var had bool
			return transcript.Machine[cni.Event, cni.Effect]{
				Step: func(ev cni.Event) ([]cni.Effect, error) {
					before, had = m.Current()
					return m.Step(ev)
				},
				Check: func(ev cni.Event, effects []cni.Effect, err error) error {
					if err != nil {
						return nil // rejected: changes nothing, which the model mirrors
					}
					model.Apply(ev)
					return Check(m, model, before, had, effects, cfg.PodCIDRs)
				},
			}, err
		},
	}
}
