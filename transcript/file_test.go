package transcript

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const sample = `title: T
incident: 007
story: A story that goes on and on and on and on and on and on and on and on
  over two lines.
config: window=4

# first
# and more
Put name=a n=1
----
Made a
Made a again

Put name=b n=2 note="a long one"
----
error: ErrBad

restart

Put name=c
----
`

func TestParseFile(t *testing.T) {
	f, err := ParseFile("s.txt", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := File{Name: "s.txt", Title: "T", Incident: "007", Story: "A story that goes on and on and on and on and on and on and on and on over two lines.", Config: "window=4",
		Steps: []Step{
			{Line: 9, Note: "first\nand more", Event: "Put name=a n=1", Expect: []string{"Made a", "Made a again"}},
			{Line: 14, Event: `Put name=b n=2 note="a long one"`, Reject: "ErrBad"},
			{Line: 18, Event: "restart"},
			{Line: 20, Event: "Put name=c"},
		}}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("ParseFile =\n%#v\nwant\n%#v", f, want)
	}
	if got := string(f.Format()); got != sample {
		t.Errorf("Format =\n%s\nwant\n%s", got, sample)
	}
}

// A file without a header, or with steps lacking their separator (a
// property's counterexample pasted as is), reads; Format writes the
// separators back.
func TestParseFileLenient(t *testing.T) {
	f, err := ParseFile("s.txt", []byte("Put name=a\n# pasted\nPut name=b\nrestart\nPut name=c\n"))
	if err != nil || len(f.Steps) != 4 || f.Steps[1].Note != "pasted" || f.Steps[1].Line != 3 || f.Steps[3].Line != 5 {
		t.Fatalf("ParseFile = %+v, %v", f, err)
	}
	if got, want := string(f.Format()), "Put name=a\n----\n\n# pasted\nPut name=b\n----\n\nrestart\n\nPut name=c\n----\n"; got != want {
		t.Errorf("Format = %q, want %q", got, want)
	}
}

func TestParseFileErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"title: T\nbogus: x\n", "s.txt:2: want a header line"},
		{"title: T\ntitle: U\n", "s.txt:2: title given twice"},
		{"title: T\nconfig: window\n", "s.txt:2: config"},
		{"title: T\n\nPut name=a\n----\nx\n\nPut name=\"b\n", "s.txt:7: unterminated quoted string"},
		{"Put name=a\nMade a\n", "s.txt:2: \"a\": want key=value (if this is an effect of the event above, put ---- between them)"},
		{"----\n", "s.txt:1: ---- without an event"},
		{"Put name=a \\\n", `s.txt:1: the line ends with \`},
		{"name=a\n", "s.txt:1: an event line starts with the event's type"},
		{"Put name=a\n----\nerror: A\nerror: B\n", "s.txt:4: a second error line"},
		{"# note\n\nPut\n", "s.txt:2: a comment must be followed by its event"},
	} {
		_, err := ParseFile("s.txt", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFile(%q) = %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestEventLinesWrap(t *testing.T) {
	long := "Put"
	for i := range 20 {
		long += fmt.Sprintf(" key%d=value", i)
	}
	long += ` s="a b c"`
	out := EventLines(long)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if len(l) > eventWidth {
			t.Errorf("line of %d characters: %q", len(l), l)
		}
	}
	f, err := ParseFile("s.txt", []byte(out))
	if err != nil || len(f.Steps) != 1 || f.Steps[0].Event != long {
		t.Errorf("the wrapped line reads back as %+v, %v", f, err)
	}
}

// A toy machine for Replay: Put makes its name, Put with name=bad is
// refused, and Check fails on name=broken.
type put struct {
	Name string `json:"name"`
	N    int    `json:"n,omitempty"`
	Note string `json:"note,omitempty"`
}

type made string

func (m made) String() string { return "Made " + string(m) }

var errBad = errors.New("bad")

type toyConfig struct {
	Window int `json:"window"`
}

func toyKit(starts *int) Kit[toyConfig, put, made] {
	return Kit[toyConfig, put, made]{
		Decode: func(data []byte) (put, error) {
			var head struct {
				Type string `json:"type"`
			}
			var p put
			if err := jsonUnmarshal(data, &head, &p); err != nil {
				return p, err
			}
			if head.Type != "Put" {
				return p, fmt.Errorf("unknown event %q", head.Type)
			}
			return p, nil
		},
		Sentinels: map[string]error{"ErrBad": errBad},
		Start: func(cfg toyConfig) (Machine[put, made], error) {
			*starts++
			return Machine[put, made]{
				Step: func(p put) ([]made, error) {
					if p.Name == "bad" {
						return nil, fmt.Errorf("refused: %w", errBad)
					}
					if p.Name == "odd" {
						return nil, errors.New("odd")
					}
					return []made{made(p.Name)}, nil
				},
				Check: func(p put, _ []made, _ error) error {
					if p.Name == "broken" {
						return errors.New("broken")
					}
					return nil
				},
			}, nil
		},
	}
}

func TestReplay(t *testing.T) {
	starts := 0
	kit := toyKit(&starts)
	f, err := ParseFile("s.txt", []byte("config: window=4\n\nPut name=a\n----\nMade a\n\nrestart\n\nPut name=bad\n----\nerror: ErrBad\n"))
	if err != nil {
		t.Fatal(err)
	}
	lines, err := Replay(f, kit)
	if err != nil || len(lines) != 3 || starts != 2 || lines[0].Effects[0] != "a" {
		t.Fatalf("Replay = %+v, %v (starts %d)", lines, err, starts)
	}
	for _, tc := range []struct{ text, want string }{
		{"Put name=a\n----\nMade b\n", `s.txt:1: Put name=a: effects ["Made a"], want ["Made b"]`},
		{"Put name=a\n", `s.txt:1: Put name=a: effects ["Made a"], want []`},
		{"Put name=bad\n----\n", "s.txt:1: Put name=bad: unexpected error: refused: bad"},
		{"Put name=a\n----\nMade a\nerror: ErrBad\n", "want error ErrBad, got <nil>"},
		{"Put name=bad\n----\nerror: ErrNope\n", `unknown sentinel "ErrNope"`},
		{"Put name=broken\n----\nMade broken\n", "s.txt:1: Put name=broken: invariant: broken"},
		{"\n\nPut nmae=a\n", "s.txt:3: unknown key nmae"},
		{"Get name=a\n", `s.txt:1: unknown event "Get"`},
		{"restart\n----\nMade a\n", "a restart causes no effects"},
		{"config: windw=4\n\nPut name=a\n----\nMade a\n", "s.txt: config: unknown key windw"},
	} {
		f, err := ParseFile("s.txt", []byte(tc.text))
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if _, err := Replay(f, kit); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Replay(%q) = %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestRecord(t *testing.T) {
	starts := 0
	kit := toyKit(&starts)
	f, _ := ParseFile("s.txt", []byte("# n\nPut name=a\n----\nMade stale\n\nPut name=bad\n\nPut name=b\n----\nerror: ErrBad\n"))
	got, _, err := Record(f, kit)
	if err != nil {
		t.Fatal(err)
	}
	want := "# n\nPut name=a\n----\nMade a\n\nPut name=bad\n----\nerror: ErrBad\n\nPut name=b\n----\nMade b\n"
	if string(got.Format()) != want {
		t.Errorf("Record =\n%s\nwant\n%s", got.Format(), want)
	}
	if f.Steps[0].Expect[0] != "Made stale" {
		t.Error("Record changed the File it was given")
	}
	for _, text := range []string{"Put name=odd\n", "Put name=broken\n"} {
		f, _ := ParseFile("s.txt", []byte(text))
		if _, _, err := Record(f, kit); err == nil {
			t.Errorf("Record(%q) succeeded", text)
		}
	}
}

// jsonUnmarshal decodes data into each of vs.
func jsonUnmarshal(data []byte, vs ...any) error {
	for _, v := range vs {
		if err := json.Unmarshal(data, v); err != nil {
			return err
		}
	}
	return nil
}
