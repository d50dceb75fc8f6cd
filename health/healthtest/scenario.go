package healthtest

import (
	"embed"
	"fmt"

	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/transcript"
)

//go:embed testdata/scenarios/*.txt
var scenarioFiles embed.FS

// Scenario is a shipped transcript (see package transcript): a field
// incident or peer case, each event with the effects it must cause. Its
// Config is a health.Config as a transcript line.
type Scenario struct {
	transcript.File // the parsed file: header, config and steps
}

// Line is one replayed step.
type Line = transcript.Line[health.Event, health.Effect]

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	return transcript.LoadAs[Scenario](scenarioFiles, "testdata/scenarios", kit(nil))
}

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and, after it, that exactly the tracked endpoints have a
// running prober. The error is non-nil if any step has a Problem.
func (s Scenario) Replay() ([]Line, *health.Machine, error) {
	return transcript.ReplayKeeping(s.File, kit)
}

var sentinels = map[string]error{"ErrInvalidEvent": health.ErrInvalidEvent}

// kit drives the health machine for a transcript, checking after each
// step that exactly the tracked endpoints have a running prober; it leaves
// the machine started last in *last, if last is not nil.
func kit(last **health.Machine) transcript.Kit[health.Config, health.Event, health.Effect] {
	return transcript.Kit[health.Config, health.Event, health.Effect]{
		Decode:    health.UnmarshalEvent,
		Sentinels: sentinels,
		Start: func(cfg health.Config) (transcript.Machine[health.Event, health.Effect], error) {
			m, err := health.New(cfg)
			if err != nil {
				return transcript.Machine[health.Event, health.Effect]{}, err
			}
			if last != nil {
				*last = m
			}
			life := NewLifecycle()
			return transcript.Machine[health.Event, health.Effect]{
				Step: m.Step,
				Check: func(_ health.Event, effects []health.Effect, _ error) error {
					if err := life.Apply(effects); err != nil {
						return err
					}
					if len(life.Running) != m.Len() {
						return fmt.Errorf("%d probers running for %d tracked endpoints", len(life.Running), m.Len())
					}
					for g, p := range life.Running {
						if ip, gen, ok := m.Prober(p.Endpoint); !ok || gen != g || ip != p.IP {
							return fmt.Errorf("prober #%d of %s at %s is not the machine's", g, p.Endpoint, p.IP)
						}
					}
					return nil
				},
			}, nil
		},
	}
}
