package endpointtest

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/*.json
var scenarioFiles embed.FS

// Scenario is a recorded event sequence with the notifications each event
// must cause: a field incident or a peer bug, replayable against the
// machine and any handler. Its Config is an endpoint.Config in JSON.
type Scenario struct{ scenario.File }

// ScenarioStep is one event and the notifications it must cause, each as
// "Kind name", or the sentinel (such as "ErrOrderChanged") it is refused
// with.
type ScenarioStep = scenario.Step

var sentinels = map[string]error{
	"ErrInvalidEndpoint": endpoint.ErrInvalidEndpoint,
	"ErrClusterChanged":  endpoint.ErrClusterChanged,
	"ErrOrderChanged":    endpoint.ErrOrderChanged,
	"ErrUnknownEndpoint": endpoint.ErrUnknownEndpoint,
	"ErrUIDMismatch":     endpoint.ErrUIDMismatch,
	"ErrInvalidEvent":    endpoint.ErrInvalidEvent,
}

// Scenarios returns the scenarios shipped with the kit, by file name.
func Scenarios() ([]Scenario, error) {
	files, err := scenario.Load(scenarioFiles, "testdata/scenarios", endpoint.UnmarshalEvent)
	if err != nil {
		return nil, err
	}
	out := make([]Scenario, len(files))
	for i, f := range files {
		out[i] = Scenario{f}
	}
	return out, nil
}

// ParseScenario decodes a scenario file and checks that its events decode.
func ParseScenario(data []byte) (Scenario, error) {
	var s Scenario
	if err := json.Unmarshal(data, &s.File); err != nil {
		return s, err
	}
	for i, st := range s.Steps {
		if _, err := endpoint.UnmarshalEvent(st.Event); err != nil {
			return s, fmt.Errorf("step %d: %w", i, err)
		}
	}
	return s, nil
}

// Config decodes the scenario's machine configuration.
func (s Scenario) Config() (endpoint.Config, error) {
	var cfg endpoint.Config
	err := s.DecodeConfig(&cfg)
	return cfg, err
}

// Line is one replayed step; its Effects are the notifications.
type Line = scenario.Line[endpoint.Event, endpoint.Notification]

// Replay runs the scenario through a fresh machine, delivers every
// notification to the handlers, checks each step's expectations and the
// package's invariants, and returns the transcript. The error is non-nil
// if any step has a Problem or a handler failed.
func (s Scenario) Replay(handlers ...endpoint.Handler) ([]Line, error) {
	cfg, err := s.Config()
	if err != nil {
		return nil, err
	}
	m, err := endpoint.New(cfg)
	if err != nil {
		return nil, err
	}
	var refused error
	step := func(ev endpoint.Event) ([]endpoint.Notification, error) {
		ns, err := m.Step(ev)
		for _, n := range ns {
			for _, h := range handlers {
				if herr := endpoint.Deliver(h, n); herr != nil && refused == nil {
					refused = fmt.Errorf("handler refused %v: %w", n, herr)
				}
			}
		}
		return ns, err
	}
	lines, err := scenario.Replay(s.File, endpoint.UnmarshalEvent, step, NewChecker(cfg.LocalClusterID).Observe, sentinels)
	if err == nil {
		err = refused
	}
	return lines, err
}
