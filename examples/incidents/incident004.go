package main

import (
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/discovery/vip/viptest"
)

func replay004(w io.Writer) (res result, _ error) {
	s, err := open(w, viptest.Scenarios, "004")
	if err != nil {
		return res, err
	}
	res.title = s.Title
	lines, m, replayErr := s.Replay()
	for i, l := range lines {
		printStep(w, i, l.Step.Note, describeVIP(l.Event), l.Effects, l.Err, l.Problem)
	}
	if replayErr != nil {
		return res, replayErr
	}
	want := []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("192.0.2.20"), netip.MustParseAddr("192.0.2.30")}
	if got := m.Advertised(); !slices.Equal(got, want) {
		return res.judge(false, fmt.Sprintf("the scenario ends with %v advertised, want %v", got, want))
	}

	const n = 1000
	atSync, before, err := burst004(n)
	if err != nil {
		return res, err
	}
	field := fieldAdvertised004(n)
	res.field = fmt.Sprintf("advertised %d of %d VIPs at sync", field, n)
	fmt.Fprintf(w, "\n    %d Services whose EndpointSlices all arrive first, then both synced markers:\n", n)
	fmt.Fprintf(w, "    field logic (re-implemented): %d VIPs advertised at sync; %d wait for the next full re-watch (~30 min)\n", field, n-field)
	fmt.Fprintf(w, "    meshstate:                    %d effects before sync; %d VIPs advertised at the second synced marker\n\n",
		before, atSync)
	switch {
	case field != 0:
		return res.judge(false, "the burst does not reproduce the incident: the field logic advertises something")
	case before != 0 || atSync != n:
		return res.judge(false, fmt.Sprintf("%d effects before sync and %d advertised at sync, want 0 and %d", before, atSync, n))
	}
	return res.judge(true, fmt.Sprintf("slices that arrived before their Service were kept and joined at sync: all %d VIPs "+
		"advertised at the second synced marker, none before (the field logic advertised %d until a re-watch)", n, field))
}

// burst004 feeds n Services whose slices all arrive first and returns how
// many Advertise effects the second synced marker emitted and how many
// effects came before it.
func burst004(n int) (atSync, before int, err error) {
	m, err := vip.New(vip.Config{NodeName: "node-a"})
	if err != nil {
		return 0, 0, err
	}
	var events []vip.Event
	for i := range n {
		events = append(events, vip.SliceUpsert{Slice: vip.Slice{
			Namespace: "default", Name: fmt.Sprintf("svc-%d-abcde", i), UID: fmt.Sprintf("s-%d", i),
			ServiceName: fmt.Sprintf("svc-%d", i),
			Endpoints:   []vip.SliceEndpoint{{NodeName: fmt.Sprintf("node-%d", i%7)}}, // nil ready means ready
		}})
	}
	events = append(events, vip.SlicesSynced{})
	for i := range n {
		events = append(events, vip.ServiceUpsert{Service: vip.Service{
			Namespace: "default", Name: fmt.Sprintf("svc-%d", i), UID: fmt.Sprintf("u-%d", i),
			Type: vip.ServiceTypeLoadBalancer,
			VIPs: []netip.Addr{netip.AddrFrom4([4]byte{198, 18, byte(i / 256), byte(i % 256)})},
		}})
	}
	events = append(events, vip.ServicesSynced{})
	for i, ev := range events {
		effects, err := m.Step(ev)
		if err != nil {
			return 0, 0, err
		}
		if i < len(events)-1 {
			before += len(effects)
			continue
		}
		for _, e := range effects {
			if e.Kind == vip.Advertise {
				atSync++
			}
		}
	}
	return atSync, before, nil
}

// fieldAdvertised004 counts the VIPs the announcer advertised at sync
// before the fix: an EndpointSlice arriving before its Service was dropped,
// so a Service whose slices all came first had no endpoints until the next
// full re-watch. In the burst every slice comes first.
func fieldAdvertised004(n int) int {
	known := map[string]bool{}
	endpoints := map[string]bool{}
	slicesFirst := make([]string, n)
	for i := range slicesFirst {
		slicesFirst[i] = fmt.Sprintf("svc-%d", i)
	}
	for _, svc := range slicesFirst { // the endpoint watcher's events
		if known[svc] {
			endpoints[svc] = true
		} // else: dropped, no Service yet
	}
	advertised := 0
	for _, svc := range slicesFirst { // the service watcher's events
		known[svc] = true
		if endpoints[svc] {
			advertised++
		}
	}
	return advertised
}

func describeVIP(ev vip.Event) string {
	switch ev := ev.(type) {
	case vip.ServiceUpsert:
		s := ev.Service
		policy := s.ExternalTrafficPolicy
		if policy == "" {
			policy = vip.ServiceTrafficCluster
		}
		return fmt.Sprintf("ServiceUpsert %s (%s, VIPs %v, policy %s)", s.Key(), s.Type, s.VIPs, policy)
	case vip.SliceUpsert:
		s := ev.Slice
		return fmt.Sprintf("SliceUpsert %s (service %q, %s)", s.Key(), s.ServiceName, describeEndpoints(s.Endpoints))
	case vip.ServiceDeleted:
		return "ServiceDeleted " + ev.Namespace + "/" + ev.Name
	case vip.SliceDeleted:
		return "SliceDeleted " + ev.Namespace + "/" + ev.Name
	default:
		return fmt.Sprintf("%T", ev)[len("vip."):]
	}
}

func describeEndpoints(eps []vip.SliceEndpoint) string {
	if len(eps) == 0 {
		return "no endpoints"
	}
	out := ""
	for i, ep := range eps {
		if i > 0 {
			out += ", "
		}
		c := ep.Conditions
		out += fmt.Sprintf("%s ready=%s serving=%s terminating=%s", ep.NodeName,
			cond(c.Ready, "nil"), cond(c.Serving, "nil"), cond(c.Terminating, "nil"))
	}
	return out
}

func cond(p *bool, unset string) string {
	if p == nil {
		return unset
	}
	return fmt.Sprint(*p)
}
