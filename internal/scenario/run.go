package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/transcript"
)

// Ext is the extension of a transcript scenario file.
const Ext = ".txt"

// Run replays every transcript (*.txt) in dir, a directory on disk
// relative to the test's package directory, each as a subtest named for
// its file, through the machine kit describes. A step that departs from
// its file, an event that does not decode and a broken invariant fail the
// subtest, citing file:line, and the subtest logs the whole replay.
//
// With rewrite, or with MESHSTATE_REWRITE=1 in the environment, Run does
// not compare: it records each step's actual effects and error into the
// file (transcript.Record) and writes the file back if that changed it.
// A broken invariant or an error that matches no sentinel still fails,
// and then nothing is written. A kit's scenario test takes the flag as
//
//	var rewrite = flag.Bool("rewrite", false, "record the actual effects into the scenario files")
//
//	func TestScenarios(t *testing.T) {
//		scenario.Run(t, "testdata/scenarios", kit, *rewrite)
//	}
//
// so that, after a deliberate change of behaviour,
//
//	go test ./ipam/ipamtest/ -run TestScenarios -rewrite
//
// regenerates the ipam kit's scenarios; review the result with git diff.
func Run[C, E any, F fmt.Stringer](t *testing.T, dir string, kit transcript.Kit[C, E, F], rewrite bool) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"+Ext))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no scenarios (*%s) in %s", Ext, dir)
	}
	rewrite = rewrite || Rewriting()
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), Ext), func(t *testing.T) {
			if err := RunFile(t, path, kit, rewrite); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// RunFile replays, or in rewrite mode records, the one transcript at path
// (see Run), logging the replay to t, and returns the first problem.
func RunFile[C, E any, F fmt.Stringer](t testing.TB, path string, kit transcript.Kit[C, E, F], rewrite bool) error {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f, err := transcript.ParseFile(path, data)
	if err != nil {
		return err
	}
	if err := transcript.Check(f, kit); err != nil {
		return err
	}
	for _, st := range f.Steps {
		if st.Event == transcript.Restart {
			continue
		}
		ev, _ := transcript.Parse(st.Event, kit.Decode)
		if err := RoundTrip(ev, kit.Decode); err != nil {
			return fmt.Errorf("%s:%d: the event does not survive its own line: %w", path, st.Line, err)
		}
	}
	if !rewrite {
		lines, err := transcript.Replay(f, kit)
		if err != nil {
			t.Logf("replay of %s:\n%s", path, Log(f, lines))
		}
		return err
	}
	got, lines, err := transcript.Record(f, kit)
	if err != nil {
		t.Logf("replay of %s:\n%s", path, Log(f, lines))
		return fmt.Errorf("rewrite: %w", err)
	}
	out := got.Format()
	if bytes.Equal(out, data) {
		return nil
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("rewrite: %w", err)
	}
	t.Logf("rewrote %s", path)
	return nil
}

// Log is a replay as text: each step as file:line, its event, what the
// machine did and the problem, if any.
func Log[E, F any](f transcript.File, lines []transcript.Line[E, F]) string {
	var b strings.Builder
	for _, l := range lines {
		where := f.Name
		if l.Step.Line > 0 {
			where = fmt.Sprintf("%s:%d", f.Name, l.Step.Line)
		}
		fmt.Fprintf(&b, "%s: %s\n", where, l.Step.Event)
		for _, e := range l.Effects {
			fmt.Fprintf(&b, "\t%v\n", e)
		}
		if l.Err != nil {
			fmt.Fprintf(&b, "\terror: %v\n", l.Err)
		}
		if l.Problem != "" {
			fmt.Fprintf(&b, "\t!! %s\n", l.Problem)
		}
	}
	return b.String()
}

// RoundTrip returns an error unless ev survives its transcript line:
// transcript.Format, then transcript.Parse with decode, gives an event
// equal to ev (reflect.DeepEqual, or the same JSON form for values such as
// time.Time whose equal instants may differ in representation). Run checks
// it for every event of a kit's scenarios; a kit's property test can check
// it for every generated event.
func RoundTrip[E any](ev E, decode func([]byte) (E, error)) error {
	line, err := transcript.Format(ev)
	if err != nil {
		return fmt.Errorf("%#v: %w", ev, err)
	}
	back, err := transcript.Parse(line, decode)
	if err != nil {
		return fmt.Errorf("%s: does not read back: %w", line, err)
	}
	if reflect.DeepEqual(back, ev) {
		return nil
	}
	a, errA := json.Marshal(ev)
	b, errB := json.Marshal(back)
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		return fmt.Errorf("%s reads back as %s, want %s", line, b, a)
	}
	return nil
}

// RewriteEnv is the environment variable that turns rewrite mode on when
// set to "1", as -rewrite does.
const RewriteEnv = "MESHSTATE_REWRITE"

// Rewriting reports whether rewrite mode is on in the environment.
func Rewriting() bool { return os.Getenv(RewriteEnv) == "1" }
