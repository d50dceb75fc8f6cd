package endpointtest

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"

	"github.com/meshstate/meshstate/endpoint"
)

//go:embed testdata/scenarios/*.json
var scenarioFiles embed.FS

// Scenario is a recorded event sequence with the notifications each event
// must cause: a field incident or a peer bug, replayable against the
// machine and any handler.
type Scenario struct {
	// Incident names the field incident the scenario replays, if any.
	Incident       string         `json:"incident,omitempty"`
	Title          string         `json:"title"`
	Story          string         `json:"story"`
	LocalClusterID string         `json:"localClusterID,omitempty"`
	Steps          []ScenarioStep `json:"steps"`
	// File is the scenario's file name, set when loaded.
	File string `json:"-"`
}

// ScenarioStep is one event and what it must cause.
type ScenarioStep struct {
	Note string `json:"note,omitempty"`
	// Event is the event as a trace records it (see endpoint.UnmarshalEvent).
	Event json.RawMessage `json:"event"`
	// Expect lists the notifications, each as "Kind name", in order.
	Expect []string `json:"expect"`
	// Reject, if set, names the sentinel error the event must be refused
	// with, such as "ErrOrderChanged".
	Reject string `json:"reject,omitempty"`
}

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
	files, err := scenarioFiles.ReadDir("testdata/scenarios")
	if err != nil {
		return nil, err
	}
	var out []Scenario
	for _, f := range files {
		data, err := scenarioFiles.ReadFile(path.Join("testdata/scenarios", f.Name()))
		if err != nil {
			return nil, err
		}
		s, err := ParseScenario(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		s.File = f.Name()
		out = append(out, s)
	}
	return out, nil
}

// ParseScenario decodes a scenario file and checks that its events decode.
func ParseScenario(data []byte) (Scenario, error) {
	var s Scenario
	if err := json.Unmarshal(data, &s); err != nil {
		return s, err
	}
	for i, st := range s.Steps {
		if _, err := endpoint.UnmarshalEvent(st.Event); err != nil {
			return s, fmt.Errorf("step %d: %w", i, err)
		}
		if _, ok := sentinels[st.Reject]; st.Reject != "" && !ok {
			return s, fmt.Errorf("step %d: unknown sentinel %q", i, st.Reject)
		}
	}
	return s, nil
}

// Line is one replayed step.
type Line struct {
	Step          ScenarioStep
	Event         endpoint.Event
	Notifications []endpoint.Notification
	Err           error
	// Problem says how the step departed from the scenario or broke an
	// invariant; empty when it did neither.
	Problem string
}

// Replay runs the scenario through a fresh machine, delivers every
// notification to the handlers, checks each step's expectations and the
// package's invariants, and returns the transcript. The error is non-nil
// if any step has a Problem or a handler failed.
func (s Scenario) Replay(handlers ...endpoint.Handler) ([]Line, error) {
	m, err := endpoint.New(endpoint.Config{LocalClusterID: s.LocalClusterID})
	if err != nil {
		return nil, err
	}
	checker := NewChecker(s.LocalClusterID)
	var lines []Line
	var failed error
	for i, st := range s.Steps {
		ev, err := endpoint.UnmarshalEvent(st.Event)
		if err != nil {
			return lines, fmt.Errorf("step %d: %w", i, err)
		}
		ns, stepErr := m.Step(ev)
		line := Line{Step: st, Event: ev, Notifications: ns, Err: stepErr, Problem: expectProblem(st, ns, stepErr)}
		if line.Problem == "" {
			if err := checker.Observe(ev, ns, stepErr); err != nil {
				line.Problem = err.Error()
			}
		}
		for _, n := range ns {
			for _, h := range handlers {
				if err := endpoint.Deliver(h, n); err != nil {
					return append(lines, line), fmt.Errorf("step %d: handler refused %v: %w", i, n, err)
				}
			}
		}
		if line.Problem != "" && failed == nil {
			failed = fmt.Errorf("%s step %d: %s", s.File, i, line.Problem)
		}
		lines = append(lines, line)
	}
	return lines, failed
}

func expectProblem(st ScenarioStep, ns []endpoint.Notification, err error) string {
	if st.Reject != "" {
		if !errors.Is(err, sentinels[st.Reject]) {
			return fmt.Sprintf("want rejection %s, got %v", st.Reject, err)
		}
	} else if err != nil {
		return fmt.Sprintf("unexpected rejection: %v", err)
	}
	got := make([]string, len(ns))
	for i, n := range ns {
		got[i] = n.String()
	}
	if !slices.Equal(got, st.Expect) && (len(got) > 0 || len(st.Expect) > 0) {
		return fmt.Sprintf("notifications %q, want %q", got, st.Expect)
	}
	return ""
}
