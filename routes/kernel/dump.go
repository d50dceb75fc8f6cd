package kernel

import (
	"errors"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// dump lists every route of our table (foreign ones too: the machine
// ignores them, the adapter records their keys) and the rules of our
// table, of both families. Any other error than an interrupted dump also
// makes it incomplete: absence is never inferred from a failed listing.
// A complete dump also rebuilds the foreign keys; the devices in use are
// added to.
// The caller holds mu.
func (a *Adapter) dump() routes.Dump {
	a.dumps.Add(1)
	cfg := a.m.Config()
	d := routes.Dump{Complete: true}
	foreign := make(map[routes.RouteKey]uint8, len(a.foreign))
	var err error
	if a.dumpFault != nil {
		err = a.dumpFault()
	}
	if err == nil {
		err = a.h.RouteListFilteredIter(netlink.FAMILY_ALL, &netlink.Route{Table: int(cfg.Table)}, netlink.RT_FILTER_TABLE,
			func(kr netlink.Route) bool {
				r := fromKernel(kr, cfg.Metric)
				if r.Protocol != cfg.Protocol {
					foreign[r.Key()] = r.Protocol
					return true
				}
				if r.LinkIndex != 0 {
					// Kept across dumps: after a link down the kernel has
					// dropped the routes, and the link's coming up must
					// still be noticed.
					a.links[r.LinkIndex] = struct{}{}
				}
				d.Routes = append(d.Routes, r)
				return true
			})
	}
	if err != nil {
		d.Complete = false
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			a.logf("routes: listing routes: %v", err)
		}
	}
	for _, family := range []int{unix.AF_INET, unix.AF_INET6} {
		rules, err := a.h.RuleListFiltered(family, &netlink.Rule{Table: int(cfg.Table)}, netlink.RT_FILTER_TABLE)
		if err != nil {
			d.Complete = false
			if !errors.Is(err, netlink.ErrDumpInterrupted) {
				a.logf("routes: listing rules: %v", err)
			}
		}
		for _, r := range rules {
			d.Rules = append(d.Rules, ruleFromKernel(r))
		}
	}
	a.lastComplete = d.Complete
	if d.Complete {
		a.foreign = foreign
	}
	return d
}
