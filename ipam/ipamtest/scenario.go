package ipamtest

import (
	"embed"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/transcript"
)

//go:embed testdata/scenarios/*.txt
var scenarioFiles embed.FS

// Scenario is a shipped transcript (see package transcript): a field
// incident or peer case, each event with the effects it must cause. Its
// Config is an ipam.Config as a transcript line.
type Scenario struct {
	transcript.File // the parsed file: header, config and steps
}

// Line is one replayed step.
type Line = transcript.Line[ipam.Event, ipam.Effect]

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	return transcript.LoadAs[Scenario](scenarioFiles, "testdata/scenarios", kit(nil))
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and the invariants, and returns the transcript and the
// machine. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *ipam.Machine, error) {
	return transcript.ReplayKeeping(s.File, kit)
}

var sentinels = map[string]error{
	"ErrInvalidOwner": ipam.ErrInvalidOwner,
	"ErrWantChanged":  ipam.ErrWantChanged,
	"ErrUnknownOwner": ipam.ErrUnknownOwner,
	"ErrUIDMismatch":  ipam.ErrUIDMismatch,
	"ErrInvalidEvent": ipam.ErrInvalidEvent,
}

// kit drives the ipam machine for a transcript, checking Invariants after
// each step; it leaves the machine started last in *last, if last is not
// nil.
func kit(last **ipam.Machine) transcript.Kit[ipam.Config, ipam.Event, ipam.Effect] {
	return transcript.Kit[ipam.Config, ipam.Event, ipam.Effect]{
		Decode:    ipam.UnmarshalEvent,
		Sentinels: sentinels,
		Start: func(cfg ipam.Config) (transcript.Machine[ipam.Event, ipam.Effect], error) {
			m, err := ipam.New(cfg)
			if last != nil {
				*last = m
			}
			var before map[string]ipam.Holding
			return transcript.Machine[ipam.Event, ipam.Effect]{
				Step: func(ev ipam.Event) ([]ipam.Effect, error) {
					before = holdings(m)
					return m.Step(ev)
				},
				Check: func(ev ipam.Event, effects []ipam.Effect, _ error) error {
					if err := Notices(effects); err != nil {
						return err
					}
					return Invariants(m, before, ev, cfg.ReleaseOnNotFound)
				},
			}, err
		},
	}
}
