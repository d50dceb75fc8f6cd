// This file is the JSON scenario format the kits used before transcripts
// (see run.go and package transcript). Only discovery's kits use it
// still; once they are converted to transcripts it goes.

package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
)

// RewriteEnv is the environment variable that turns rewrite mode on when
// set to "1".
const RewriteEnv = "MESHSTATE_REWRITE"

// Rewriting reports whether rewrite mode is on.
func Rewriting() bool { return os.Getenv(RewriteEnv) == "1" }

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
	// Source is the file's path on disk, where rewrite mode writes it
	// back. Load sets it from the directory of the source file that called
	// Load (a kit embeds its scenarios from its own directory); empty when
	// that is unknown.
	Source string `json:"-"`
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
// each step's event decodes with decode. Each File's Source is the file's
// path under the directory of Load's caller, for rewrite mode: a kit that
// embeds its testdata and calls Load from the same directory needs nothing
// more.
func Load[E any](fsys fs.FS, dir string, decode func([]byte) (E, error)) ([]File, error) {
	var srcDir string
	if _, file, _, ok := runtime.Caller(1); ok && filepath.IsAbs(file) {
		srcDir = filepath.Dir(file)
	}
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
		if srcDir != "" {
			f.Source = filepath.Join(srcDir, filepath.FromSlash(name))
		}
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
//
// In rewrite mode (see the package doc) a step's outcome is recorded
// instead of compared, and the file is written back to f.Source if any
// expectation changed and no step failed. A File that differs from its
// source on disk (a test edited it after loading) is compared as usual.
func Replay[E any, F fmt.Stringer](f File, decode func([]byte) (E, error), step func(E) ([]F, error),
	check func(E, []F, error) error, sentinels map[string]error) ([]Line[E, F], error) {
	rewrite := Rewriting() && f.unchanged()
	steps := slices.Clone(f.Steps)
	changed := false
	var lines []Line[E, F]
	var failed error
	for i, st := range steps {
		ev, err := decode(st.Event)
		if err != nil {
			return lines, fmt.Errorf("%s step %d: %w", f.Name, i, err)
		}
		effects, stepErr := step(ev)
		problem := Mismatch(st, effects, stepErr, sentinels, errors.Is)
		if rewrite && problem != "" {
			st, problem = record(st, effects, stepErr, sentinels, errors.Is)
			steps[i] = st
			changed = changed || problem == ""
		}
		line := Line[E, F]{Step: st, Event: ev, Effects: effects, Err: stepErr, Problem: problem}
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
	if rewrite && changed && failed == nil {
		f.Steps = steps
		if err := f.write(); err != nil {
			return lines, err
		}
	}
	return lines, failed
}

// record returns st with its expectations set to the outcome: the effects'
// String forms and the name of the sentinel err matches. It reports a
// problem if err matches no sentinel.
func record[F fmt.Stringer](st Step, got []F, err error, sentinels map[string]error, is func(err, target error) bool) (Step, string) {
	st.Expect = make([]string, len(got))
	for i, g := range got {
		st.Expect[i] = g.String()
	}
	st.Reject = ""
	if err == nil {
		return st, ""
	}
	names := make([]string, 0, len(sentinels))
	for name := range sentinels {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if is(err, sentinels[name]) {
			st.Reject = name
			return st, ""
		}
	}
	return st, fmt.Sprintf("rejection matches no sentinel, cannot record it: %v", err)
}

// unchanged reports whether f is what its source on disk holds, or has no
// known source (then the rewrite fails and says so).
func (f File) unchanged() bool {
	if f.Source == "" {
		return true
	}
	data, err := os.ReadFile(f.Source)
	if err != nil {
		return true // the write will fail and say why
	}
	var disk File
	if err := json.Unmarshal(data, &disk); err != nil {
		return false
	}
	disk.Name, disk.Source = f.Name, f.Source
	a, errA := f.encode()
	b, errB := disk.encode()
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// encode returns f as indented JSON with a trailing newline.
func (f File) encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write writes f to f.Source as indented JSON with a trailing newline.
func (f File) write() error {
	if f.Source == "" {
		return fmt.Errorf("%s: rewrite: the file's source on disk is unknown", f.Name)
	}
	data, err := f.encode()
	if err != nil {
		return fmt.Errorf("%s: rewrite: %w", f.Name, err)
	}
	if err := os.WriteFile(f.Source, data, 0o644); err != nil {
		return fmt.Errorf("%s: rewrite: %w", f.Name, err)
	}
	return nil
}
