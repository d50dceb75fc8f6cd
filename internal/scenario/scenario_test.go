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
