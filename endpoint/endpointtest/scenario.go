package endpointtest

import (
	"embed"
	"fmt"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/transcript"
)

//go:embed testdata/scenarios/*.txt
var scenarioFiles embed.FS

// Scenario is a shipped transcript (see package transcript): a field
// incident or a peer bug, each event with the notifications it must
// cause, replayable against the machine and any handler. Its Config is an
// endpoint.Config as a transcript line.
type Scenario struct {
	transcript.File // the parsed file: header, config and steps
}

// ScenarioStep is one event and the notifications it must cause, each as
// "Kind name", or the sentinel (such as "ErrOrderChanged") it is refused
// with.
type ScenarioStep = transcript.Step

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	return transcript.LoadAs[Scenario](scenarioFiles, "testdata/scenarios", kit())
}

// ParseScenario reads a transcript and checks that its configuration and
// events decode.
func ParseScenario(data []byte) (Scenario, error) {
	f, err := transcript.ParseFile("scenario", data)
	if err == nil {
		err = transcript.Check(f, kit())
	}
	return Scenario{f}, err
}

// Config decodes the scenario's machine configuration.
func (s Scenario) Config() (endpoint.Config, error) {
	return transcript.Config[endpoint.Config](s.File)
}

// Line is one replayed step; its Effects are the notifications.
type Line = transcript.Line[endpoint.Event, endpoint.Effect]

// Replay runs the scenario through a fresh machine, delivers every
// notification to the handlers, checks each step's expectations and the
// package's invariants, and returns the transcript. The error is non-nil
// if any step has a Problem or a handler failed.
func (s Scenario) Replay(handlers ...endpoint.Handler) ([]Line, error) {
	var refused error
	lines, err := transcript.Replay(s.File, kit(func(n endpoint.Effect) {
		for _, h := range handlers {
			if herr := endpoint.Deliver(h, n); herr != nil && refused == nil {
				refused = fmt.Errorf("handler refused %v: %w", n, herr)
			}
		}
	}))
	if err == nil {
		err = refused
	}
	return lines, err
}

var sentinels = map[string]error{
	"ErrInvalidEndpoint": endpoint.ErrInvalidEndpoint,
	"ErrClusterChanged":  endpoint.ErrClusterChanged,
	"ErrOrderChanged":    endpoint.ErrOrderChanged,
	"ErrUnknownEndpoint": endpoint.ErrUnknownEndpoint,
	"ErrUIDMismatch":     endpoint.ErrUIDMismatch,
	"ErrInvalidEvent":    endpoint.ErrInvalidEvent,
}

// kit drives the endpoint machine for a transcript, handing each
// notification to deliver and checking the package's invariants with a
// Checker; a restart starts a fresh machine and checker.
func kit(deliver ...func(endpoint.Effect)) transcript.Kit[endpoint.Config, endpoint.Event, endpoint.Effect] {
	return transcript.Kit[endpoint.Config, endpoint.Event, endpoint.Effect]{
		Decode:    endpoint.UnmarshalEvent,
		Sentinels: sentinels,
		Start: func(cfg endpoint.Config) (transcript.Machine[endpoint.Event, endpoint.Effect], error) {
			m, err := endpoint.New(cfg)
			return transcript.Machine[endpoint.Event, endpoint.Effect]{
				Step: func(ev endpoint.Event) ([]endpoint.Effect, error) {
					ns, err := m.Step(ev)
					for _, n := range ns {
						for _, d := range deliver {
							d(n)
						}
					}
					return ns, err
				},
				Check: NewChecker(cfg.LocalClusterID).Observe,
			}, err
		},
	}
}
