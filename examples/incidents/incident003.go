package main

import (
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/ipam/ipamtest"
)

func replay003(w io.Writer) (res result, _ error) {
	s, err := open(w, ipamtest.Scenarios, "003")
	if err != nil {
		return res, err
	}
	res.title = s.Title
	lines, m, replayErr := s.Replay()
	released := 0
	for i, l := range lines {
		printStep(w, i, l.Step.Note, describeIPAM(l.Event), l.Effects, l.Err, l.Problem)
		for _, e := range l.Effects {
			if e.Kind == ipam.Release {
				released++
			}
		}
	}
	if replayErr != nil {
		return res, replayErr
	}

	nginx, _ := m.Addresses("default", "gip-nginx")
	web, _ := m.Addresses("default", "gip-web")
	field := fieldReleases(lines)
	res.field = fmt.Sprintf("released %d live global IPs", field)
	fmt.Fprintf(w, "\n    field logic (re-implemented): %d global IPs released on errors that were not absences\n", field)
	fmt.Fprintf(w, "    meshstate:                    %d released; gip-nginx holds %v, gip-web holds %v\n\n", released, nginx, web)

	want := []netip.Addr{netip.MustParseAddr("242.254.1.7")}
	switch {
	case field == 0:
		return res.judge(false, "the scenario does not reproduce the incident: the field logic releases nothing")
	case released != 0 || !slices.Equal(nginx, want):
		return res.judge(false, fmt.Sprintf("gip-nginx holds %v after %d releases, want %v and none", nginx, released, want))
	case len(web) != 1:
		return res.judge(false, fmt.Sprintf("gip-web holds %v, want exactly one address", web))
	}
	return res.judge(true, fmt.Sprintf("gip-nginx kept %v through two timeouts and a refusal, the gone Service of gip-redis was "+
		"recreated with the same address, and a stale requeue got the write again, not a second address "+
		"(the field logic released %d)", want, field))
}

// fieldReleases counts the releases the controller made before the fix,
// when any lookup that was not an answer was taken for "the Service does not exist".
func fieldReleases(lines []ipamtest.Line) int {
	n := 0
	for _, l := range lines {
		if r, ok := l.Event.(ipam.LookupResult); ok && !r.Class.Known() {
			n++
		}
	}
	return n
}

func describeIPAM(ev ipam.Event) string {
	switch ev := ev.(type) {
	case ipam.Observed:
		return fmt.Sprintf("Observed %s (status %v)", ev.Owner, ev.Status.Addresses)
	case ipam.LookupResult:
		return fmt.Sprintf("LookupResult %s: %v %q", ev.Owner, ev.Class, ev.Message)
	case ipam.Applied:
		return fmt.Sprintf("Applied %s: %v %v", ev.Owner, ev.Effect, ev.Outcome)
	case ipam.Deleted:
		return "Deleted " + ev.Owner.String()
	default:
		return fmt.Sprintf("%T", ev)[len("ipam."):]
	}
}
