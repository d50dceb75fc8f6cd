package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// reporter folds the event stream into per-package state and prints each
// package as soon as go test reports its result, so a long run shows
// progress.
type reporter struct {
	w        io.Writer
	ci       bool // skipped tests fail the run
	pkgs     map[string]*pkgRun
	pkgOrder []string
	builds   map[string]*buildRun // by BuildEvent.ImportPath
	buildIDs []string
	events   int
	passed   int
	failed   int
	skipped  int
	problems []string // one line per failure, repeated at the end
}

type pkgRun struct {
	output strings.Builder // output not attributed to a test
	tests  map[string]*testRun
	order  []string // tests in the order they finished, then unfinished ones
	done   bool
}

type testRun struct {
	output strings.Builder
	result string // actPass, actFail, actSkip; "" while running
}

type buildRun struct {
	output strings.Builder
	failed bool
	shown  bool // printed under the package it broke
}

// report reads a go test -json stream from r, writes the report to w and
// reports whether the run succeeded. With ci set, a skipped test is a
// failure. The error is for a failure to read r, not for failed tests.
func report(r io.Reader, w io.Writer, ci bool) (bool, error) {
	rep := &reporter{w: w, ci: ci, pkgs: map[string]*pkgRun{}, builds: map[string]*buildRun{}}
	br := bufio.NewReader(r)
	for {
		// ReadBytes, unlike bufio.Scanner, has no line length limit: one
		// output event can hold a huge line of test output.
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			rep.line(line)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false, err
		}
	}
	return rep.finish(), nil
}

// line handles one line of the stream. Everything go test -json writes to
// standard output is JSON, so anything else means it went wrong.
func (r *reporter) line(line []byte) {
	var ev event
	if err := json.Unmarshal(line, &ev); err != nil || ev.Action == "" {
		r.problem("unexpected line in the go test -json stream: %s", bytes.TrimSpace(line))
		return
	}
	r.events++
	switch {
	case ev.Action == actBuildOutput || ev.Action == actBuildFail:
		b := r.build(ev.ImportPath)
		b.output.WriteString(ev.Output)
		b.failed = b.failed || ev.Action == actBuildFail
	case ev.Test != "":
		r.testEvent(r.pkg(ev.Package), ev)
	case ev.Action == actOutput:
		r.pkg(ev.Package).output.WriteString(ev.Output)
	case ev.Action == actPass || ev.Action == actFail || ev.Action == actSkip:
		r.finishPackage(ev.Package, r.pkg(ev.Package), ev)
	}
}

func (r *reporter) testEvent(p *pkgRun, ev event) {
	t, ok := p.tests[ev.Test]
	if !ok {
		t = &testRun{}
		p.tests[ev.Test] = t
	}
	switch ev.Action {
	case actOutput:
		t.output.WriteString(ev.Output)
	case actPass, actFail, actSkip:
		// Finish order puts a failed subtest's details before its parent's
		// "--- FAIL" line, as go test prints them.
		if t.result == "" {
			p.order = append(p.order, ev.Test)
		}
		t.result = ev.Action
	}
}

func (r *reporter) pkg(name string) *pkgRun {
	p, ok := r.pkgs[name]
	if !ok {
		p = &pkgRun{tests: map[string]*testRun{}}
		r.pkgs[name] = p
		r.pkgOrder = append(r.pkgOrder, name)
	}
	return p
}

func (r *reporter) build(id string) *buildRun {
	b, ok := r.builds[id]
	if !ok {
		b = &buildRun{}
		r.builds[id] = b
		r.buildIDs = append(r.buildIDs, id)
	}
	return b
}

func (r *reporter) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.problems = append(r.problems, msg)
	fmt.Fprintln(r.w, msg)
}
