package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/transcript"
)

// The toy machine: an event N=n makes "e<n>", N=3 is refused with errBad
// (wrapped), N=9 is refused with an error no sentinel names, and N=7
// breaks the invariant.
type numConfig struct {
	Offset int `json:"offset"`
}

var numKit = transcript.Kit[numConfig, numEvent, effect]{
	Decode:    decodeNum,
	Sentinels: map[string]error{"ErrBad": errBad},
	Start: func(cfg numConfig) (transcript.Machine[numEvent, effect], error) {
		return transcript.Machine[numEvent, effect]{
			Step: func(e numEvent) ([]effect, error) {
				switch e.N {
				case 9:
					return nil, errors.New("unnamed")
				case 3:
					return stepNum(e)
				}
				return []effect{effect(fmt.Sprint("e", e.N+cfg.Offset))}, nil
			},
			Check: func(e numEvent, _ []effect, _ error) error {
				if e.N == 7 {
					return errors.New("seven")
				}
				return nil
			},
		}, nil
	},
}

// A transcript whose expectations are wrong in every way a rewrite fixes:
// a missing effect, a stale effect, a missing error and a stale one.
const wrongTranscript = `title: T
config: offset=10

# n1
Num N=1
----

Num N=2
----
stale

Num N=3

Num N=1
----
error: ErrBad
`

const rightTranscript = `title: T
config: offset=10

# n1
Num N=1
----
e11

Num N=2
----
e12

Num N=3
----
error: ErrBad

Num N=1
----
e11
`

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestRunFileFailsOnAWrongExpectation(t *testing.T) {
	path := writeFile(t, wrongTranscript)
	err := RunFile(t, path, numKit, false)
	if err == nil || !strings.Contains(err.Error(), path+`:5: Num N=1: effects ["e11"], want []`) {
		t.Errorf("RunFile = %v, want the mismatch at line 5", err)
	}
	if readFile(t, path) != wrongTranscript {
		t.Error("the file changed without rewrite mode")
	}
	if err := RunFile(t, writeFile(t, rightTranscript), numKit, false); err != nil {
		t.Errorf("the right transcript failed: %v", err)
	}
}

func TestRunFileRewrites(t *testing.T) {
	path := writeFile(t, wrongTranscript)
	if err := RunFile(t, path, numKit, true); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != rightTranscript {
		t.Fatalf("rewritten file:\n%s\nwant:\n%s", got, rightTranscript)
	}
	if err := RunFile(t, path, numKit, false); err != nil {
		t.Errorf("the rewritten file does not replay clean: %v", err)
	}
	if err := RunFile(t, path, numKit, true); err != nil || readFile(t, path) != rightTranscript {
		t.Errorf("a second rewrite changed the file or failed: %v", err)
	}
}

func TestRunFileRewriteRefusesWhatItCannotRecord(t *testing.T) {
	for _, text := range []string{"Num N=9\n", "Num N=7\n----\ne7\n"} {
		path := writeFile(t, text)
		if err := RunFile(t, path, numKit, true); err == nil {
			t.Errorf("%q: the rewrite succeeded", text)
		}
		if readFile(t, path) != text {
			t.Errorf("%q: a failed rewrite wrote the file", text)
		}
	}
}

func TestRunFileCitesTheLine(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"title: T\n\nNum N=1\n----\ne1\n\nNum N=\"2\n", ":7: unterminated quoted string"},
		{"Num N=1\n----\ne1\n\nNum M=2\n", ":5: unknown key M"},
		{"Num N=1\n----\ne1\n\nNum N=7\n----\ne7\n", ":5: Num N=7: invariant: seven"},
		{"Num N=1\ne1\n", ":2: \"e1\" is not an event type (a Go type name, capitalized) nor key=value (if this is an effect of the event above, put ---- between them)"},
	} {
		path := writeFile(t, tc.text)
		if err := RunFile(t, path, numKit, false); err == nil || !strings.Contains(err.Error(), path+tc.want) {
			t.Errorf("%q: RunFile = %v, want %q", tc.text, err, tc.want)
		}
	}
}

// MESHSTATE_REWRITE=1 turns rewrite mode on for Run.
func TestRunRewritesWithTheEnvironment(t *testing.T) {
	t.Setenv(RewriteEnv, "1")
	path := writeFile(t, wrongTranscript)
	Run(t, filepath.Dir(path), numKit, false)
	if got := readFile(t, path); got != rightTranscript {
		t.Errorf("rewritten file:\n%s", got)
	}
}

func TestRoundTrip(t *testing.T) {
	if err := RoundTrip(numEvent{N: 4}, decodeNum); err != nil {
		t.Error(err)
	}
	lossy := func(b []byte) (numEvent, error) { e, err := decodeNum(b); e.N++; return e, err }
	if err := RoundTrip(numEvent{N: 4}, lossy); err == nil || !strings.Contains(err.Error(), `reads back as {"N":5}`) {
		t.Errorf("a lossy decoder passed: %v", err)
	}
}

type effect string

func (e effect) String() string { return string(e) }

var errBad = errors.New("bad")

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
