package kernel

import (
	"slices"
	"time"

	"github.com/meshstate/meshstate/routes"
)

// handle acts on one batch of notifications, each in O(1) but for the
// resyncs and retries it asks for, which are coalesced.
func (r *run) handle(batch []change) {
	a := r.a
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	waiting := a.retries.Len() > 0
	var resync, retry bool
	for _, c := range batch {
		switch c.kind {
		case changeRoute:
			rs, rt := r.routeChange(c)
			resync, retry = resync || rs, retry || rt
		case changeLink:
			if c.name != "" {
				// A device a remote follows may be back at a new index.
				r.queue(routes.LinkUpdate{Index: c.link, Name: c.name, Deleted: c.deleted})
			}
			// A device our routes use went down, came up or went away:
			// the kernel drops IPv4 routes on link down without telling.
			_, used := a.links[c.link]
			resync = resync || used
			retry = retry || !c.deleted
		case changeAddr:
			retry = retry || !c.deleted
		case changeRule:
			// Rules are few and have no event in the machine: a change of
			// a rule of our table is checked by a dump, unless it is the
			// echo of one the machine already holds.
			resync = resync || c.rule.Table == a.m.Config().Table &&
				(c.deleted || !slices.Contains(a.m.ObservedRules(), c.rule))
		}
	}
	// The writes the batch called for go out together: a burst of
	// deletions by someone else is repaired by pipelined runs, not one
	// request and answer per route.
	ops := r.pending
	r.pending = nil
	if err := a.carry(ops, now); err != nil {
		a.logf("routes: %v", err)
	}
	clear(ops)
	r.pending = ops[:0]
	r.soon(resync, retry && (waiting || a.retries.Len() > 0))
}

// routeChange feeds one route notification to the machine. It returns
// whether a retry of what waits may now succeed (a route appeared outside
// our table: a gateway may have become reachable). The caller holds mu.
func (r *run) routeChange(c change) (resync, retry bool) {
	a := r.a
	cfg := a.m.Config()
	rt := c.route.toRoute(cfg.Metric)
	if rt.Table != cfg.Table {
		return false, !c.deleted
	}
	k := rt.Key()
	if rt.Protocol != cfg.Protocol {
		if c.deleted {
			if _, ok := a.foreign[k]; ok {
				delete(a.foreign, k)
				// The foreign route that held our key is gone: ours now.
				r.queue(routes.RetryDue{Op: routes.Effect{Kind: routes.ReplaceRoute,
					Route: routes.Route{Table: k.Table, Dst: k.Dst, Metric: k.Metric}}})
			}
			return false, false
		}
		a.foreign[k] = rt.Protocol
		if have, ours := a.m.ObservedRoute(k); ours {
			// A replace by another protocol sends only this NEWROUTE: ours
			// is overwritten, which the machine must hear as a deletion.
			r.queue(routes.RouteUpdate{Route: have, Deleted: true})
		}
		return false, false
	}
	if !c.deleted {
		delete(a.foreign, k)
		if rt.LinkIndex != 0 {
			a.links[rt.LinkIndex] = struct{}{}
		}
	}
	r.queue(routes.RouteUpdate{Route: rt, Deleted: c.deleted})
	return false, false
}

// queue steps an event of the kernel's, keeping the operations for the
// end of the batch; the machine rejects only malformed events, which are
// logged and skipped.
func (r *run) queue(ev routes.Event) {
	ops, err := r.a.m.AppendStep(r.pending, ev)
	if err != nil {
		r.a.logf("routes: %T: %v", ev, err)
		return
	}
	r.pending = ops
}
