package endpointtest

import (
	"fmt"
	"strings"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/transcript"
)

// Steps is a generated stream. Its GoString (what rapid's report prints
// for a draw) is a transcript, one step a line (long lines continued with
// " \"), that pastes as is into a scenario file: replay it with -rewrite
// to record the notifications under each event.
type Steps []Step

// GoString formats the stream as a transcript, one step a line:
//
//	Upsert endpoint.name=c0-gw-1 endpoint.uid=uid-1 endpoint.clusterID=c0 ...
//	Synced
//	restart
func (s Steps) GoString() string {
	if len(s) == 0 {
		return "(no steps)"
	}
	var b strings.Builder
	for _, st := range s {
		b.WriteString("\n" + strings.TrimSuffix(transcript.EventLines(st.GoString()), "\n"))
	}
	return b.String()
}

// GoString formats the step as one transcript line: "restart" or the
// event's own line (see endpoint.Upsert.GoString).
func (s Step) GoString() string {
	if s.Restart {
		return transcript.Restart
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
