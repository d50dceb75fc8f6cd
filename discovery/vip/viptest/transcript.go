package viptest

import (
	"strings"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/transcript"
)

// vipHistories and vipOrder are what the VIP properties draw: their
// GoString (what rapid's report prints for a draw) is made of transcript
// lines, one per event, instead of netip and pointer internals. The order,
// the shortest failing one after shrinking, pastes into a scenario file
// as it is.
type (
	vipHistories []History
	vipOrder     []vip.Event
)

// GoString lists each object's events, one a line, under the object.
func (hs vipHistories) GoString() string {
	if len(hs) == 0 {
		return "(no objects)"
	}
	var b strings.Builder
	for _, h := range hs {
		b.WriteString("\n# " + h.Object)
		for _, ev := range h.Events {
			b.WriteString("\n" + transcript.GoString(ev))
		}
	}
	return b.String()
}

// GoString lists the events in order, one transcript line each.
func (o vipOrder) GoString() string {
	if len(o) == 0 {
		return "(no events)"
	}
	var b strings.Builder
	for _, ev := range o {
		b.WriteString("\n" + transcript.GoString(ev))
	}
	return b.String()
}

func drawHistories(t *rapid.T, cfg GenConfig, label string) []History {
	return rapid.Map(Histories(cfg), func(hs []History) vipHistories { return hs }).Draw(t, label)
}

func drawOrder(t *rapid.T, hs []History, label string) []vip.Event {
	return rapid.Map(Interleave(hs), func(evs []vip.Event) vipOrder { return evs }).Draw(t, label)
}
