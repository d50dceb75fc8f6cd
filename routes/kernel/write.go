package kernel

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

func (a *Adapter) write(op routes.Effect) error {
	a.writes.Add(1)
	switch op.Kind {
	case routes.ReplaceRoute:
		return a.replaceRoute(op.Route)
	case routes.DeleteRoute:
		return a.h.RouteDel(toKernel(op.Route))
	case routes.AddRule:
		return a.h.RuleAdd(ruleToKernel(op.Rule))
	case routes.DeleteRule:
		return a.h.RuleDel(ruleToKernel(op.Rule))
	}
	return fmt.Errorf("routes/kernel: %v is not a write", op.Kind)
}

// writeRoutes carries out a run of route writes and puts each one's
// error in errs[i]. They go through the pipe, one request each and an
// answer only for failures; without a pipe (its socket could not be
// opened) one by one through the handle. The cases of replaceRoute are
// kept: a key known foreign costs no syscall, a route known ours is
// replaced, anything else is created exclusively, and only an exclusive
// create that met an unknown route takes the slow path, afterwards.
func (a *Adapter) writeRoutes(ops []routes.Effect, errs []error) {
	a.writes.Add(int64(len(ops)))
	if a.pipe == nil && !a.noPipe {
		p, err := openPipe(a.ns)
		if err != nil {
			a.logf("routes: %v; writing through the handle", err)
			a.noPipe = true
		}
		a.pipe = p
	}
	if a.pipe == nil {
		for i, op := range ops {
			errs[i] = a.writeOne(op)
		}
		return
	}
	reqs := a.reqs[:0]
	idx := a.idx[:0] // reqs[j] is ops[idx[j]]
	for i, op := range ops {
		errs[i] = nil
		if a.writeFault != nil {
			if errs[i] = a.writeFault(); errs[i] != nil {
				continue
			}
		}
		r := op.Route
		if op.Kind == routes.DeleteRoute {
			reqs, idx = append(reqs, routeReq{del: true, r: r}), append(idx, i)
			continue
		}
		k := r.Key()
		if p, ok := a.foreign[k]; ok {
			errs[i] = &ForeignRouteError{Dst: r.Dst.String(), Table: int(r.Table), Protocol: int(p)}
			continue
		}
		_, ours := a.m.ObservedRoute(k)
		reqs, idx = append(reqs, routeReq{replace: ours, r: r}), append(idx, i)
	}
	rerrs := a.rerrs[:0]
	for range reqs {
		rerrs = append(rerrs, nil)
	}
	a.pipe.do(reqs, rerrs)
	for j, err := range rerrs {
		i := idx[j]
		if err != nil && !reqs[j].del && !reqs[j].replace && errors.Is(err, unix.EEXIST) {
			err = a.afterExists(ops[i].Route)
		}
		errs[i] = err
	}
	a.reqs, a.idx, a.rerrs = reqs, idx, rerrs
}

// writeOne is a write through the handle.
func (a *Adapter) writeOne(op routes.Effect) error {
	switch op.Kind {
	case routes.ReplaceRoute:
		return a.replaceRoute(op.Route)
	case routes.DeleteRoute:
		return a.h.RouteDel(toKernel(op.Route))
	}
	return a.write(op)
}

// replaceRoute installs r without ever overwriting a foreign route: the
// kernel keys a route by table, destination and metric, not protocol, so a
// plain replace would take over another owner's route on our key. Each
// case costs one syscall, never a listing of the table:
//   - a foreign route known on the key (from the dump or a notification):
//     refused without a syscall;
//   - our route known on the key (a gateway move): a targeted replace;
//   - nothing known: an exclusive create (NLM_F_EXCL).
//
// Only if the exclusive create meets a route nobody told us of does it
// look, at that destination only, for the exact key's owner.
func (a *Adapter) replaceRoute(r routes.Route) error {
	k := r.Key()
	if p, ok := a.foreign[k]; ok {
		return &ForeignRouteError{Dst: r.Dst.String(), Table: int(r.Table), Protocol: int(p)}
	}
	kr := toKernel(r)
	if _, ours := a.m.ObservedRoute(k); ours {
		return a.h.RouteReplace(kr)
	}
	err := a.h.RouteAdd(kr)
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	return a.afterExists(r)
}

// afterExists decides an exclusive create of r that met a route nobody
// told us of: it looks, at that destination only, for the exact key's
// owner, and replaces the route only if it is ours.
func (a *Adapter) afterExists(r routes.Route) error {
	k := r.Key()
	p, found, err := a.holder(r)
	switch {
	case err != nil:
		return err
	case !found:
		return unix.EEXIST // gone meanwhile: a transient race, retried
	case p != r.Protocol:
		a.foreign[k] = p
		return &ForeignRouteError{Dst: r.Dst.String(), Table: int(r.Table), Protocol: int(p)}
	}
	return a.h.RouteReplace(toKernel(r))
}

// holder returns the protocol of the route holding r's exact key (table,
// destination, metric). It filters by table and destination only and
// compares the metric itself: netlink v1.3.1's filtered listing ignores
// RT_FILTER_PRIORITY, so a foreign route at another metric would match.
func (a *Adapter) holder(r routes.Route) (uint8, bool, error) {
	family := netlink.FAMILY_V4
	if r.Dst.Addr().Is6() {
		family = netlink.FAMILY_V6
	}
	held, err := a.h.RouteListFiltered(family, &netlink.Route{Table: int(r.Table), Dst: ipNet(r.Dst)},
		netlink.RT_FILTER_TABLE|netlink.RT_FILTER_DST)
	if err != nil {
		return 0, false, err
	}
	for _, h := range held {
		if got := fromKernel(h, a.m.Config().Metric); got.Key() == r.Key() {
			return got.Protocol, true, nil
		}
	}
	return 0, false, nil
}
