package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/meshstate/meshstate/transcript"
)

// printStep prints one replayed step: its note, the event, its effects and
// what went wrong, if anything.
func printStep[E fmt.Stringer](w io.Writer, i int, note, event string, effects []E, err error, problem string) {
	fmt.Fprintf(w, "%2d. %s\n    event   %s\n", i+1, note, event)
	for _, e := range effects {
		fmt.Fprintf(w, "    effect  %s\n", e)
	}
	if err != nil {
		fmt.Fprintf(w, "    refused %v\n", err)
	}
	if problem != "" {
		fmt.Fprintf(w, "    PROBLEM %s\n", problem)
	}
}

// open finds the scenario of an incident among a kit's scenarios (each
// kit's Scenario is a transcript.File of its own type) and prints its
// title and story.
func open[S ~struct{ transcript.File }](w io.Writer, scenarios func() ([]S, error), incident string) (S, error) {
	all, err := scenarios()
	for _, s := range all {
		if f := struct{ transcript.File }(s).File; f.Incident == incident {
			fmt.Fprintf(w, "== incident %s: %s\n%s\n\n", incident, f.Title, wrap(f.Story, "   "))
			return s, nil
		}
	}
	if err == nil {
		err = fmt.Errorf("no scenario for incident %s", incident)
	}
	var none S
	return none, err
}

// wrap folds text into lines of about 88 columns, each indented.
func wrap(text, indent string) string {
	var b strings.Builder
	width := 0
	b.WriteString(indent)
	for _, word := range strings.Fields(text) {
		if width > 0 && width+len(word) > 88 {
			b.WriteString("\n" + indent)
			width = 0
		} else if width > 0 {
			b.WriteByte(' ')
			width++
		}
		b.WriteString(word)
		width += len(word)
	}
	return b.String()
}

// decimalDuration matches a time.Duration as String prints it, when it has
// a fractional part: 4.288803506s, 904.031995ms, 4m54.064048901s. Whole
// durations (2m9s) are left alone, and so are addresses (10.2.0.7), which
// no unit follows.
var decimalDuration = regexp.MustCompile(`\b(?:\d+h)?(?:\d+m)?\d+\.\d+(?:ns|µs|us|ms|s)\b`)

// displayDurations rounds, with roundDuration, every duration with a
// fractional part in text, such as the jittered delays of RetryAfter
// effects.
func displayDurations(text string) string {
	return decimalDuration.ReplaceAllStringFunc(text, func(s string) string {
		d, err := time.ParseDuration(s)
		if err != nil {
			return s
		}
		return roundDuration(d).String()
	})
}

// roundDuration rounds d for display: to the second from a minute up
// (4m54s), else to three significant digits (4.29s, 904ms, 32.5s).
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Minute || d <= -time.Minute {
		return d.Round(time.Second)
	}
	unit := time.Duration(1)
	for d/unit >= 1000 || d/unit <= -1000 {
		unit *= 10
	}
	return d.Round(unit)
}
