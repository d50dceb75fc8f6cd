package endpointtest

import (
	"fmt"
	"strings"

	"github.com/meshstate/meshstate/endpoint"
)

// Steps is a generated stream. Its GoString (what rapid's report prints
// for a draw) is a numbered transcript, one short line per step.
type Steps []Step

// GoString formats the stream as a transcript, one step a line:
//
//	0 Upsert c0/c0-gw-1 uid=uid-1 at=2025-06-30T20:04:23Z ...
//	1 Synced
//	2 restart
func (s Steps) GoString() string {
	if len(s) == 0 {
		return "(no steps)"
	}
	var b strings.Builder
	for i, st := range s {
		fmt.Fprintf(&b, "\n%3d %s", i, st.GoString())
	}
	return b.String()
}

// GoString formats the step as one transcript line: "restart" or the
// event's own line (see endpoint.Upsert.GoString).
func (s Step) GoString() string {
	if s.Restart {
		return "restart"
	}
	return eventLine(s.Event)
}

// eventLine is an event on one line.
func eventLine(ev endpoint.Event) string {
	if g, ok := ev.(fmt.GoStringer); ok {
		return g.GoString()
	}
	return fmt.Sprintf("%T%+v", ev, ev)
}
