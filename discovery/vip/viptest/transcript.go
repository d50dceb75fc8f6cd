package viptest

import (
	"fmt"
	"strings"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip"
)

// vipHistories and vipOrder are what the VIP properties draw: their
// GoString (what rapid's report prints for a draw) is a transcript, one
// short line per event, instead of netip and pointer internals.
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
		fmt.Fprintf(&b, "\n  %s:", h.Object)
		for _, ev := range h.Events {
			b.WriteString("\n    " + vipEventLine(ev))
		}
	}
	return b.String()
}

// GoString numbers the events, one a line.
func (o vipOrder) GoString() string {
	if len(o) == 0 {
		return "(no events)"
	}
	var b strings.Builder
	for i, ev := range o {
		fmt.Fprintf(&b, "\n%3d %s", i, vipEventLine(ev))
	}
	return b.String()
}

func drawHistories(t *rapid.T, cfg GenConfig, label string) []History {
	return rapid.Map(Histories(cfg), func(hs []History) vipHistories { return hs }).Draw(t, label)
}

func drawOrder(t *rapid.T, hs []History, label string) []vip.Event {
	return rapid.Map(Interleave(hs), func(evs []vip.Event) vipOrder { return evs }).Draw(t, label)
}

// vipEventLine is a VIP event on one line, such as
// "SliceUpsert default/slice-1 uid=u3 service=svc-0 endpoints=[node-0:R,!T]".
func vipEventLine(ev vip.Event) string {
	uid := func(u string) string {
		if u == "" {
			return ""
		}
		return " uid=" + u
	}
	switch e := ev.(type) {
	case vip.ServiceUpsert:
		s := e.Service
		line := "ServiceUpsert " + s.Namespace + "/" + s.Name + uid(s.UID)
		if s.Type != "" {
			line += " type=" + string(s.Type)
		}
		if len(s.VIPs) > 0 {
			line += fmt.Sprintf(" vips=%v", s.VIPs)
		}
		if s.ExternalTrafficPolicy != "" {
			line += " etp=" + string(s.ExternalTrafficPolicy)
		}
		return line
	case vip.ServiceDeleted:
		return "ServiceDeleted " + e.Namespace + "/" + e.Name + uid(e.UID)
	case vip.SliceUpsert:
		s := e.Slice
		eps := make([]string, len(s.Endpoints))
		for i, ep := range s.Endpoints {
			eps[i] = sliceEndpointWord(ep)
		}
		return "SliceUpsert " + s.Namespace + "/" + s.Name + uid(s.UID) + " service=" + s.ServiceName +
			" endpoints=[" + strings.Join(eps, " ") + "]"
	case vip.SliceDeleted:
		return "SliceDeleted " + e.Namespace + "/" + e.Name + uid(e.UID)
	default:
		return strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T%+v", ev, ev), "vip."), "{}")
	}
}

// sliceEndpointWord is an endpoint as node:conditions, a condition
// written R (ready), S (serving) or T (terminating), negated with !, and
// left out when unset: "node-0:R,!T", or "node-0" with none set.
func sliceEndpointWord(ep vip.SliceEndpoint) string {
	var conds []string
	for _, c := range []struct {
		letter string
		v      *bool
	}{{"R", ep.Conditions.Ready}, {"S", ep.Conditions.Serving}, {"T", ep.Conditions.Terminating}} {
		switch {
		case c.v == nil:
		case *c.v:
			conds = append(conds, c.letter)
		default:
			conds = append(conds, "!"+c.letter)
		}
	}
	w := ep.NodeName
	if w == "" {
		w = "-"
	}
	if ep.Hostname != "" {
		w += "(" + ep.Hostname + ")"
	}
	if len(conds) == 0 {
		return w
	}
	return w + ":" + strings.Join(conds, ",")
}
