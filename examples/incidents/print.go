package main

import (
	"fmt"
	"io"
	"strings"
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
