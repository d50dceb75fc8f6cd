// Command incidents replays the field incidents that define meshstate
// through its machines and prints, for each, the events, the effects and a
// verdict. It exits 1 if any verdict fails. It needs no root and no cluster.
//
//	go run ./examples/incidents [-incident 000]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// incident replays one field incident and judges the outcome.
type incident struct {
	id     string
	replay func(w io.Writer) (ok bool, verdict string, err error)
}

// incidents is in incident order; each package's issue adds its own.
var incidents = []incident{
	{id: "000", replay: replay000},
	{id: "001", replay: replay001},
	{id: "002", replay: replay002},
	{id: "003", replay: replay003},
	{id: "004", replay: replay004},
}

func main() {
	only := flag.String("incident", "", "replay only the incident with this ID")
	flag.Parse()
	os.Exit(run(os.Stdout, *only))
}

func run(w io.Writer, only string) int {
	failed, ran := 0, 0
	for _, inc := range incidents {
		if only != "" && inc.id != only {
			continue
		}
		ran++
		ok, verdict, err := inc.replay(w)
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(w, "verdict %s: FAIL: %v\n\n", inc.id, err)
		case !ok:
			failed++
			fmt.Fprintf(w, "verdict %s: FAIL: %s\n\n", inc.id, verdict)
		default:
			fmt.Fprintf(w, "verdict %s: PASS: %s\n\n", inc.id, verdict)
		}
	}
	if ran == 0 {
		fmt.Fprintf(w, "no incident %q\n", only)
		return 2
	}
	fmt.Fprintf(w, "%d of %d incidents pass\n", ran-failed, ran)
	if failed > 0 {
		return 1
	}
	return 0
}
