// Command incidents replays the field incidents that define meshstate
// through its machines and judges, for each, what the machines did. It
// needs no root and no cluster, and exits 1 if any verdict fails.
//
//	go run ./examples/incidents                 # all five incidents
//	go run ./examples/incidents -incident 002   # only incident 002
//
// The -incident flag takes an incident's ID (000 to 004) and replays only
// that incident; an unknown ID exits 2. -h lists the flags and exits 0.
//
// The output starts with a header and the verdict table: for each incident
// its ID, PASS or FAIL and title, and under it what the field logic did on
// the same events. The
// detail of each incident follows: its story, every recorded event with the
// effects the machine emitted for it, the field logic's outcome beside
// meshstate's, and the verdict in full. Durations are rounded for display
// (to three significant digits, or to the second from a minute up).
//
// # Field logic
//
// "Field logic" is a re-implementation, in this program, of the faulty
// decision as each incident report describes it: the event layer that
// dropped a superseded endpoint's deletion (000), the discovery agent that
// pruned imports before its export cache synced (001), the route agent
// that gave up on tunl0 after 12 tries (002), the controller that took a
// failed lookup for an absent Service (003), the VIP announcer that dropped
// EndpointSlices arriving before their Service (004). It is a few lines per
// incident (the field* functions) run on the same recorded events as the
// machine, to show that the scenario reproduces the incident. It is not
// Submariner's or kube-vip's actual code, which this program neither
// imports nor runs, and it says nothing about those projects' current
// releases.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// result is what one replay found.
type result struct {
	title   string // the incident's title, from its scenario
	field   string // what the field logic did on the same events, in a few words
	ok      bool   // whether meshstate's machines passed
	verdict string // why they passed or failed
}

// judge returns r with its verdict set, and no error.
func (r result) judge(ok bool, verdict string) (result, error) {
	r.ok, r.verdict = ok, verdict
	return r, nil
}

// incident replays one field incident into w, in detail, and judges the
// outcome.
type incident struct {
	id     string
	replay func(w io.Writer) (result, error)
}

// incidents is in incident order; each package's issue adds its own.
var incidents = []incident{
	{id: "000", replay: replay000},
	{id: "001", replay: replay001},
	{id: "002", replay: replay002},
	{id: "003", replay: replay003},
	{id: "004", replay: replay004},
}

// header says what the program shows, and what the field logic is.
const header = `meshstate replays field incidents from Submariner and kube-vip through its machines.
Each verdict judges meshstate's machines on the incident's recorded events. Beside it,
"field logic" is a re-implementation, in this program, of the faulty decision as the
incident report describes it, run on the same events: it is not Submariner's or
kube-vip's actual code, which this program neither imports nor runs.`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses args and replays the incidents it asks for, writing the
// results to stdout and usage and flag errors to stderr; it returns the
// exit code. The program's flags live in their own FlagSet: the global one
// also holds the -rapid.* flags that pgregory.net/rapid, imported by the
// test kits, registers in its init, and they mean nothing here.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("incidents", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("incident", "", "replay only the incident with this `ID` (000 to 004)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./examples/incidents [-incident ID]\n\n"+
			"Replays the field incidents through meshstate's machines: a verdict table, then each\n"+
			"incident in detail. Exits 1 if a verdict fails, 2 on bad usage.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return 2
	}
	return replayAll(stdout, *only)
}

// replayAll replays every incident, or only the one with ID only, and
// prints the verdict table, then each incident's detail.
func replayAll(w io.Writer, only string) int {
	type row struct {
		id     string
		res    result
		err    error
		detail bytes.Buffer
	}
	var rows []*row
	for _, inc := range incidents {
		if only != "" && inc.id != only {
			continue
		}
		r := &row{id: inc.id}
		r.res, r.err = inc.replay(&r.detail)
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		fmt.Fprintf(w, "no incident %q\n", only)
		return 2
	}

	failed := 0
	fmt.Fprintf(w, "%s\n\n", header)
	fmt.Fprintf(w, "ID   VERDICT  INCIDENT\n")
	for _, r := range rows {
		verdict, field, title := "PASS", r.res.field, r.res.title
		if r.err != nil || !r.res.ok {
			verdict = "FAIL"
			failed++
		}
		if r.err != nil {
			title = "error: " + r.err.Error()
		}
		if field == "" {
			field = "(not run)"
		}
		fmt.Fprintf(w, "%-3s  %-7s  %s\n", r.id, verdict, title)
		fmt.Fprintf(w, "              field logic: %s\n", displayDurations(field))
	}
	fmt.Fprintf(w, "%d of %d incidents pass\n", len(rows)-failed, len(rows))

	for _, r := range rows {
		fmt.Fprintf(w, "\n%s", displayDurations(r.detail.String()))
		switch {
		case r.err != nil:
			fmt.Fprintf(w, "verdict %s: FAIL: %v\n", r.id, r.err)
		case !r.res.ok:
			fmt.Fprintf(w, "verdict %s: FAIL: %s\n", r.id, displayDurations(r.res.verdict))
		default:
			fmt.Fprintf(w, "verdict %s: PASS: %s\n", r.id, displayDurations(r.res.verdict))
		}
	}
	if failed > 0 {
		return 1
	}
	return 0
}
