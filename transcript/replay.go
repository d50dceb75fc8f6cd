package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
)

// Kit is what Replay needs to know of a machine: how to read its
// configuration and events, the sentinel errors a transcript may name, and
// how to start a fresh machine. C is the machine's configuration, E its
// event and F its effect.
type Kit[C, E any, F fmt.Stringer] struct {
	// Decode reads an event from its trace JSON: the machine's
	// UnmarshalEvent.
	Decode func(data []byte) (E, error)
	// Sentinels maps the names an "error:" line may give to the errors
	// they stand for.
	Sentinels map[string]error
	// Start builds a fresh machine from the transcript's configuration
	// (the zero C if the file has none). Replay calls it once, and again
	// at each restart step.
	Start func(cfg C) (Machine[E, F], error)
}

// Machine is a started machine as Replay drives it.
type Machine[E, F any] struct {
	// Step feeds the machine one event and returns its effects, or the
	// error it refuses the event with.
	Step func(E) ([]F, error)
	// Check, if not nil, is asked after each step whose outcome matched
	// the transcript whether an invariant broke.
	Check func(ev E, effects []F, err error) error
}

// Line is one replayed step.
type Line[E, F any] struct {
	// Step is the step as the transcript gives it.
	Step Step
	// Event is the step's event as decoded; the zero E for a restart.
	Event E
	// Effects are what the machine did.
	Effects []F
	// Err is the machine's refusal of the event, if it refused it.
	Err error
	// Problem says how the step departed from the transcript or broke an
	// invariant; empty when it did neither.
	Problem string
}

// Config decodes the file's configuration line into a C: the zero C for
// a file without one. See File.DecodeConfig.
func Config[C any](f File) (C, error) {
	var cfg C
	err := f.DecodeConfig(&cfg)
	return cfg, err
}

// DecodeConfig decodes the file's configuration line into cfg, a pointer
// to the machine's configuration; a file without one leaves cfg as it is.
// As in Parse, a key the configuration's own JSON form does not have is an
// error (when the configuration encodes to JSON at all).
func (f File) DecodeConfig(cfg any) error {
	if f.Config == "" {
		return nil
	}
	in, err := parseNode(f.Config)
	if err != nil {
		return fmt.Errorf("%s: config: %w", f.Name, err)
	}
	var data bytes.Buffer
	in.encodeJSON(&data)
	if err := json.Unmarshal(data.Bytes(), cfg); err != nil {
		return fmt.Errorf("%s: config: %w", f.Name, err)
	}
	if back, err := json.Marshal(cfg); err == nil {
		if out, err := decodeJSON(back); err == nil {
			if unknown := unknownKeys("", in, out, nil); len(unknown) > 0 {
				return fmt.Errorf("%s: config: unknown key %s (the configuration's keys: %s)", f.Name, strings.Join(unknown, ", "), keyList(out))
			}
		}
	}
	return nil
}

// Check reports an error, citing name:line, for the first event of f that
// kit cannot read.
func Check[C, E any, F fmt.Stringer](f File, kit Kit[C, E, F]) error {
	if _, err := Config[C](f); err != nil {
		return err
	}
	for i, st := range f.Steps {
		if st.Event == Restart {
			continue
		}
		if _, err := Parse(st.Event, kit.Decode); err != nil {
			return fmt.Errorf("%s: %w", f.where(i), err)
		}
	}
	return nil
}

// Replay runs the transcript through a fresh machine: it feeds each event
// to the machine, compares the outcome with the step's expectations, and
// where they agree asks the machine's Check whether an invariant broke.
// It returns the replayed lines, and an error, citing name:line, for the
// first step that departed or an event that did not decode.
func Replay[C, E any, F fmt.Stringer](f File, kit Kit[C, E, F]) ([]Line[E, F], error) {
	_, lines, err := replay(f, kit, false)
	return lines, err
}

// Record runs the transcript like Replay but takes each step's outcome
// as its expectation: it returns f with every step's Expect and Reject set
// to what the machine did. It fails if an invariant broke, a rejection
// matches no sentinel (so it cannot be named) or an event did not decode.
// Writing the result back to the file is rewrite mode.
func Record[C, E any, F fmt.Stringer](f File, kit Kit[C, E, F]) (File, []Line[E, F], error) {
	return replay(f, kit, true)
}

func replay[C, E any, F fmt.Stringer](f File, kit Kit[C, E, F], record bool) (File, []Line[E, F], error) {
	cfg, err := Config[C](f)
	if err != nil {
		return f, nil, err
	}
	m, err := kit.Start(cfg)
	if err != nil {
		return f, nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	f.Steps = slices.Clone(f.Steps)
	var lines []Line[E, F]
	var failed error
	for i, st := range f.Steps {
		var line Line[E, F]
		if st.Event == Restart {
			if m, err = kit.Start(cfg); err != nil {
				return f, lines, fmt.Errorf("%s: restart: %w", f.where(i), err)
			}
			if record {
				st.Expect, st.Reject = nil, ""
				f.Steps[i] = st
			} else if len(st.Expect) > 0 || st.Reject != "" {
				line.Problem = "a restart causes no effects and no error"
			}
		} else {
			ev, err := Parse(st.Event, kit.Decode)
			if err != nil {
				return f, lines, fmt.Errorf("%s: %w", f.where(i), err)
			}
			effects, stepErr := m.Step(ev)
			line.Event, line.Effects, line.Err = ev, effects, stepErr
			if record {
				st, line.Problem = recordStep(st, effects, stepErr, kit.Sentinels)
				f.Steps[i] = st
			} else {
				line.Problem = mismatch(st, effects, stepErr, kit.Sentinels)
			}
			if line.Problem == "" && m.Check != nil {
				if err := m.Check(ev, effects, stepErr); err != nil {
					line.Problem = "invariant: " + err.Error()
				}
			}
		}
		line.Step = st
		if line.Problem != "" && failed == nil {
			failed = fmt.Errorf("%s: %s: %s", f.where(i), st.Event, line.Problem)
		}
		lines = append(lines, line)
	}
	return f, lines, failed
}

// effectTexts is the effects' String forms.
func effectTexts[F fmt.Stringer](got []F) []string {
	texts := make([]string, len(got))
	for i, g := range got {
		texts[i] = g.String()
	}
	return texts
}

// mismatch describes how an outcome departs from the step's expectations,
// or returns "".
func mismatch[F fmt.Stringer](st Step, got []F, err error, sentinels map[string]error) string {
	if st.Reject != "" {
		target, ok := sentinels[st.Reject]
		switch {
		case !ok:
			return fmt.Sprintf("unknown sentinel %q (known: %v)", st.Reject, sentinelNames(sentinels))
		case !errors.Is(err, target):
			return fmt.Sprintf("want error %s, got %v", st.Reject, err)
		}
	} else if err != nil {
		return fmt.Sprintf("unexpected error: %v", err)
	}
	if texts := effectTexts(got); !slices.Equal(texts, st.Expect) && (len(texts) > 0 || len(st.Expect) > 0) {
		return fmt.Sprintf("effects %q, want %q", texts, st.Expect)
	}
	return ""
}

// recordStep returns st with its expectations set to the outcome. It
// reports a problem if err matches no sentinel.
func recordStep[F fmt.Stringer](st Step, got []F, err error, sentinels map[string]error) (Step, string) {
	st.Expect, st.Reject = nil, ""
	if len(got) > 0 {
		st.Expect = effectTexts(got)
	}
	if err == nil {
		return st, ""
	}
	for _, name := range sentinelNames(sentinels) {
		if errors.Is(err, sentinels[name]) {
			st.Reject = name
			return st, ""
		}
	}
	return st, fmt.Sprintf("the error matches no sentinel, so it cannot be recorded: %v", err)
}

func sentinelNames(sentinels map[string]error) []string {
	names := make([]string, 0, len(sentinels))
	for name := range sentinels {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Load reads every transcript (*.txt) of dir in fsys, by name, and checks
// that kit reads its configuration and events. A File's Name is its base
// name.
func Load[C, E any, F fmt.Stringer](fsys fs.FS, dir string, kit Kit[C, E, F]) ([]File, error) {
	paths, err := fs.Glob(fsys, path.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	var out []File
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		f, err := ParseFile(path.Base(p), data)
		if err != nil {
			return nil, err
		}
		if err := Check(f, kit); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// LoadAs is Load for a kit whose Scenario type is a File under its own
// name (type Scenario struct{ transcript.File }): the kit's Scenarios is
// one call.
func LoadAs[S ~struct{ File }, C, E any, F fmt.Stringer](fsys fs.FS, dir string, kit Kit[C, E, F]) ([]S, error) {
	files, err := Load(fsys, dir, kit)
	out := make([]S, len(files))
	for i, f := range files {
		out[i] = S(struct{ File }{f})
	}
	return out, err
}

// ReplayKeeping is Replay with a kit that stores the machine it starts in
// *last, returning that machine too: what a kit's Scenario.Replay returns.
func ReplayKeeping[M, C, E any, F fmt.Stringer](f File, kit func(last *M) Kit[C, E, F]) ([]Line[E, F], M, error) {
	var m M
	lines, err := Replay(f, kit(&m))
	return lines, m, err
}
