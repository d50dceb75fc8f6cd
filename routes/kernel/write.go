package kernel

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

func (a *Adapter) write(op routes.Operation) error {
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
	return a.h.RouteReplace(kr)
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
