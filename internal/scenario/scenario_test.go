package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

type effect string

func (e effect) String() string { return string(e) }

var errBad = errors.New("bad")

func TestMismatch(t *testing.T) {
	sentinels := map[string]error{"ErrBad": errBad}
	for _, tc := range []struct {
		name string
		st   Step
		got  []effect
		err  error
		want string // part of the mismatch, "" for none
	}{
		{"equal", Step{Expect: []string{"a", "b"}}, []effect{"a", "b"}, nil, ""},
		{"none expected, none got", Step{}, nil, nil, ""},
		{"different", Step{Expect: []string{"a"}}, []effect{"b"}, nil, "effects"},
		{"missing", Step{Expect: []string{"a"}}, nil, nil, "effects"},
		{"rejected as expected", Step{Reject: "ErrBad"}, nil, errBad, ""},
		{"not rejected", Step{Reject: "ErrBad"}, nil, nil, "want rejection"},
		{"unknown sentinel", Step{Reject: "ErrNope"}, nil, errBad, "unknown sentinel"},
		{"unexpected rejection", Step{}, nil, errBad, "unexpected rejection"},
	} {
		got := Mismatch(tc.st, tc.got, tc.err, sentinels, errors.Is)
		if (got == "") != (tc.want == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: Mismatch = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"s/b.json": {Data: []byte(`{"title":"B","steps":[{"event":{"n":1},"expect":["x"]}]}`)},
		"s/a.json": {Data: []byte(`{"title":"A","steps":[]}`)},
		"s/c.txt":  {Data: []byte(`not a scenario`)},
	}
	ok := func([]byte) (int, error) { return 0, nil }
	files, err := Load(fsys, "s", ok)
	if err != nil || len(files) != 2 || files[0].Name != "a.json" || files[1].Steps[0].Expect[0] != "x" {
		t.Fatalf("Load = %+v, %v", files, err)
	}
	refuse := func([]byte) (int, error) { return 0, errBad }
	if _, err := Load(fsys, "s", refuse); !errors.Is(err, errBad) {
		t.Errorf("an undecodable event loaded: %v", err)
	}
}

func TestReplay(t *testing.T) {
	f := File{Name: "f.json", Steps: []Step{
		{Event: []byte(`1`), Expect: []string{"e1"}},
		{Event: []byte(`2`), Expect: []string{"e2"}},
		{Event: []byte(`3`), Reject: "ErrBad"},
	}}
	decode := func(b []byte) (int, error) { return int(b[0] - '0'), nil }
	step := func(n int) ([]effect, error) {
		if n == 3 {
			return nil, errBad
		}
		return []effect{effect("e" + string(rune('0'+n)))}, nil
	}
	var checked []int
	check := func(n int, _ []effect, _ error) error {
		checked = append(checked, n)
		if n == 2 {
			return errors.New("invariant broken")
		}
		return nil
	}
	lines, err := Replay(f, decode, step, check, map[string]error{"ErrBad": errBad})
	if err == nil || !strings.Contains(err.Error(), "f.json step 1: invariant broken") {
		t.Errorf("err = %v, want the invariant of step 1", err)
	}
	if len(lines) != 3 || lines[0].Problem != "" || lines[2].Problem != "" || len(checked) != 3 {
		t.Errorf("lines %+v, checked %v", lines, checked)
	}
}

// rewriteFixture is a scenario whose expectations are wrong in every way a
// rewrite must fix: a missing effect, a stale effect, a missing rejection
// and a stale one.
const rewriteFixture = `{
  "title": "T",
  "story": "S <&>",
  "steps": [
    {"note": "n1", "event": {"n": 1}, "expect": []},
    {"event": {"n": 2}, "expect": ["stale"]},
    {"event": {"n": 3}, "expect": []},
    {"event": {"n": 1}, "expect": [], "reject": "ErrBad"}
  ]
}
`

type numEvent struct{ N int }

func decodeNum(b []byte) (numEvent, error) {
	var e numEvent
	err := json.Unmarshal(b, &e)
	return e, err
}

func stepNum(e numEvent) ([]effect, error) {
	if e.N == 3 {
		return nil, fmt.Errorf("wrapped: %w", errBad)
	}
	return []effect{effect(fmt.Sprint("e", e.N))}, nil
}

func TestRewrite(t *testing.T) {
	sentinels := map[string]error{"ErrBad": errBad}
	dir := t.TempDir()
	src := filepath.Join(dir, "s", "a.json")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte(rewriteFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	load := func() File {
		t.Helper()
		files, err := Load(os.DirFS(dir), "s", decodeNum)
		if err != nil || len(files) != 1 {
			t.Fatalf("Load = %v, %v", files, err)
		}
		f := files[0]
		if want, _ := filepath.Abs("s/a.json"); f.Source != want {
			t.Errorf("Source = %q, want the caller's directory: %q", f.Source, want)
		}
		f.Source = src
		return f
	}

	// Off by default: the wrong file fails and stays as it was.
	t.Setenv(RewriteEnv, "")
	if Rewriting() {
		t.Fatal("rewrite mode on without the variable")
	}
	if _, err := Replay(load(), decodeNum, stepNum, nil, sentinels); err == nil {
		t.Fatal("the wrong scenario replayed clean")
	}
	if data, _ := os.ReadFile(src); string(data) != rewriteFixture {
		t.Fatalf("the file changed without rewrite mode:\n%s", data)
	}

	// Rewrite mode records the outcome and writes the file back.
	t.Setenv(RewriteEnv, "1")
	lines, err := Replay(load(), decodeNum, stepNum, nil, sentinels)
	if err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	if len(lines) != 4 || lines[2].Step.Reject != "ErrBad" || lines[1].Step.Expect[0] != "e2" {
		t.Errorf("rewrite transcript %+v", lines)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "title": "T",
  "story": "S <&>",
  "steps": [
    {
      "note": "n1",
      "event": {
        "n": 1
      },
      "expect": [
        "e1"
      ]
    },
    {
      "event": {
        "n": 2
      },
      "expect": [
        "e2"
      ]
    },
    {
      "event": {
        "n": 3
      },
      "expect": [],
      "reject": "ErrBad"
    },
    {
      "event": {
        "n": 1
      },
      "expect": [
        "e1"
      ]
    }
  ]
}
`
	if string(data) != want {
		t.Errorf("rewritten file:\n%s\nwant:\n%s", data, want)
	}

	// The rewritten file replays clean without rewrite mode, and a second
	// rewrite leaves it as it is.
	t.Setenv(RewriteEnv, "")
	if _, err := Replay(load(), decodeNum, stepNum, nil, sentinels); err != nil {
		t.Errorf("the rewritten file does not replay clean: %v", err)
	}
	t.Setenv(RewriteEnv, "1")
	if _, err := Replay(load(), decodeNum, stepNum, nil, sentinels); err != nil {
		t.Errorf("second rewrite: %v", err)
	}
	if again, _ := os.ReadFile(src); string(again) != want {
		t.Errorf("a second rewrite changed the file:\n%s", again)
	}

	// A scenario edited after loading is compared, not written back.
	edited := load()
	edited.Steps = slices.Clone(edited.Steps)
	edited.Steps[0].Expect = []string{"wrong"}
	if _, err := Replay(edited, decodeNum, stepNum, nil, sentinels); err == nil {
		t.Error("rewrite mode accepted a scenario edited after loading")
	}
	if again, _ := os.ReadFile(src); string(again) != want {
		t.Errorf("an edited scenario was written back:\n%s", again)
	}
}

func TestRewriteRefusesWhatItCannotRecord(t *testing.T) {
	t.Setenv(RewriteEnv, "1")
	src := filepath.Join(t.TempDir(), "a.json")
	f := File{Name: "a.json", Source: src, Steps: []Step{{Event: []byte(`{"n":3}`), Expect: []string{"x"}}}}
	// The rejection matches no sentinel: the step fails, nothing is written.
	if _, err := Replay(f, decodeNum, stepNum, nil, nil); err == nil {
		t.Error("an unnamed rejection was recorded")
	}
	// An invariant breaks: the step fails, nothing is written.
	broken := func(numEvent, []effect, error) error { return errors.New("invariant broken") }
	f.Steps[0].Event = []byte(`{"n":1}`)
	if _, err := Replay(f, decodeNum, stepNum, broken, nil); err == nil {
		t.Error("a broken invariant passed in rewrite mode")
	}
	if _, err := os.Stat(src); !os.IsNotExist(err) {
		t.Errorf("a failed rewrite wrote the file: %v", err)
	}
	// A file with no known source cannot be written back.
	f.Source = ""
	if _, err := Replay(f, decodeNum, stepNum, nil, nil); err == nil {
		t.Error("a rewrite without a source succeeded")
	}
}
