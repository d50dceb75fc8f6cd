package scenario

import (
	"errors"
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
