// Package scenario reads the scenario files the test kits ship: recorded
// event sequences, each event with the effects it must cause, replayable
// against a machine. One file holds one field incident or peer bug.
package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// File is one scenario.
type File struct {
	// Incident names the field incident the scenario replays, if any.
	Incident string `json:"incident,omitempty"`
	Title    string `json:"title"`
	Story    string `json:"story"`
	// Config is the machine's configuration, in the machine's own JSON.
	Config json.RawMessage `json:"config,omitempty"`
	Steps  []Step          `json:"steps"`
	// Name is the file name, set when loaded.
	Name string `json:"-"`
}

// Step is one event and what it must cause.
type Step struct {
	Note string `json:"note,omitempty"`
	// Event is the event as a trace records it.
	Event json.RawMessage `json:"event"`
	// Expect lists the effects, each as its String form, in order.
	Expect []string `json:"expect"`
	// Reject, if set, names the sentinel error the event must be refused
	// with.
	Reject string `json:"reject,omitempty"`
}

// Load reads every *.json file of dir in fsys, by name, and checks that
// each step's event decodes with decode.
func Load[E any](fsys fs.FS, dir string, decode func([]byte) (E, error)) ([]File, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []File
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f File
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i, st := range f.Steps {
			if _, err := decode(st.Event); err != nil {
				return nil, fmt.Errorf("%s: step %d: %w", name, i, err)
			}
		}
		f.Name = path.Base(name)
		out = append(out, f)
	}
	return out, nil
}

// Mismatch describes how a step's outcome departs from its expectations,
// or returns "". sentinels maps the names a step may give in Reject to the
// errors they stand for; is reports whether an error matches one.
func Mismatch[F fmt.Stringer](st Step, got []F, err error, sentinels map[string]error, is func(err, target error) bool) string {
	if st.Reject != "" {
		target, ok := sentinels[st.Reject]
		switch {
		case !ok:
			return fmt.Sprintf("unknown sentinel %q", st.Reject)
		case !is(err, target):
			return fmt.Sprintf("want rejection %s, got %v", st.Reject, err)
		}
	} else if err != nil {
		return fmt.Sprintf("unexpected rejection: %v", err)
	}
	texts := make([]string, len(got))
	for i, g := range got {
		texts[i] = g.String()
	}
	if !slices.Equal(texts, st.Expect) && (len(texts) > 0 || len(st.Expect) > 0) {
		return fmt.Sprintf("effects %q, want %q", texts, st.Expect)
	}
	return ""
}

// Line is one replayed step.
type Line[E, F any] struct {
	Step    Step
	Event   E
	Effects []F
	Err     error
	// Problem says how the step departed from the scenario or broke an
	// invariant; empty when it did neither.
	Problem string
}

// DecodeConfig decodes the file's machine configuration into cfg; a file
// without one leaves cfg as it is.
func (f File) DecodeConfig(cfg any) error {
	if len(f.Config) == 0 {
		return nil
	}
	if err := json.Unmarshal(f.Config, cfg); err != nil {
		return fmt.Errorf("%s: config: %w", f.Name, err)
	}
	return nil
}

// Replay feeds each step's event, decoded with decode, to step; compares
// the outcome with the step's expectations (sentinels name the errors a
// step may expect); and, where they agree, asks check, if not nil, whether
// an invariant broke. It returns the transcript, and an error if a step
// departed or an event did not decode.
func Replay[E any, F fmt.Stringer](f File, decode func([]byte) (E, error), step func(E) ([]F, error),
	check func(E, []F, error) error, sentinels map[string]error) ([]Line[E, F], error) {
	var lines []Line[E, F]
	var failed error
	for i, st := range f.Steps {
		ev, err := decode(st.Event)
		if err != nil {
			return lines, fmt.Errorf("%s step %d: %w", f.Name, i, err)
		}
		effects, stepErr := step(ev)
		line := Line[E, F]{Step: st, Event: ev, Effects: effects, Err: stepErr,
			Problem: Mismatch(st, effects, stepErr, sentinels, errors.Is)}
		if line.Problem == "" && check != nil {
			if err := check(ev, effects, stepErr); err != nil {
				line.Problem = err.Error()
			}
		}
		if line.Problem != "" && failed == nil {
			failed = fmt.Errorf("%s step %d: %s", f.Name, i, line.Problem)
		}
		lines = append(lines, line)
	}
	return lines, failed
}
