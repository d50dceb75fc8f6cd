package routes

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
)

// Build computes the desired routes and rules of remotes under cfg: a
// route per subnet, and a rule per family in use steering traffic to the
// table (Config.RulePriority), with
// source as the routes' preferred source where its family matches. Subnets
// that would hijack local traffic or that another remote already claims
// are left out and returned as *RefusedError values, in order. Malformed
// remotes make it fail with a *RejectedError wrapping ErrInvalidEvent.
// cfg must have been accepted by New. BuildDesired takes a source per
// family.
func Build(cfg Config, source netip.Addr, remotes []Remote) ([]Route, []Rule, []*RefusedError, error) {
	return BuildDesired(cfg, Desired{Source: source, Remotes: remotes})
}

// BuildDesired is Build for a Desired event, with its source per family
// (Desired.Source and Desired.Sources); it is what the machine wants for
// d.
func BuildDesired(cfg Config, d Desired) ([]Route, []Rule, []*RefusedError, error) {
	return build(cfg, d, nil)
}

// deviceLookup returns the index of a device by name, if known.
type deviceLookup func(name string) (int, bool)

// build is BuildDesired with the devices seen so far (nil for none): a
// remote whose Device is among them is routed through the device's
// index.
func build(cfg Config, d Desired, devices deviceLookup) ([]Route, []Rule, []*RefusedError, error) {
	src4, src6, err := sources(d)
	if err != nil {
		return nil, nil, nil, err
	}
	remotes := d.Remotes
	// Sorted by cluster, so that the first claimant of a subnet is the
	// cluster whose name sorts first, whatever the input order.
	order := slices.Clone(remotes)
	slices.SortStableFunc(order, func(a, b Remote) int { return cmp.Compare(a.Cluster, b.Cluster) })
	n := 0
	for i := range order {
		if err := checkRemote(order[i]); err != nil {
			return nil, nil, nil, err
		}
		if i > 0 && order[i].Cluster == order[i-1].Cluster {
			return nil, nil, nil, &RejectedError{Field: "cluster", Reason: order[i].Cluster + " listed twice", Err: ErrInvalidEvent}
		}
		n += len(order[i].Subnets)
	}
	routes := make([]Route, 0, n)
	var has4, has6 bool
	var refused []*RefusedError
	owner := make(map[netip.Prefix]string, n)
	for _, r := range order {
		link := r.LinkIndex
		if r.Device != "" && devices != nil {
			if i, ok := devices(r.Device); ok {
				link = i
			}
		}
		for _, p := range r.Subnets {
			p = p.Masked()
			if c, dup := owner[p]; dup {
				if c != r.Cluster {
					refused = append(refused, &RefusedError{Cluster: r.Cluster, Subnet: p,
						Reason: "claimed by cluster " + c, Err: ErrConflict})
				}
				continue
			}
			if why := hijacks(cfg, p); why != "" {
				refused = append(refused, &RefusedError{Cluster: r.Cluster, Subnet: p, Reason: why, Err: ErrHijack})
				continue
			}
			owner[p] = r.Cluster
			rt := Route{Dst: p, Gateway: r.Gateway, LinkIndex: link, Table: cfg.Table,
				Protocol: cfg.Protocol, Metric: cfg.Metric}
			if p.Addr().Is4() {
				rt.Src = src4
			} else {
				rt.Src = src6
			}
			routes = append(routes, rt)
			has4, has6 = has4 || p.Addr().Is4(), has6 || p.Addr().Is6()
		}
	}
	// One rule per family steers all traffic to the table, which holds
	// only remote subnets, at a priority below the main table's.
	var rules []Rule
	if has4 {
		rules = append(rules, Rule{Priority: cfg.RulePriority, Table: cfg.Table, Protocol: cfg.Protocol})
	}
	if has6 {
		rules = append(rules, Rule{Priority: cfg.RulePriority, Table: cfg.Table, Protocol: cfg.Protocol, IPv6: true})
	}
	return routes, rules, refused, nil
}

// sources returns d's source of each family (the zero Addr for none).
func sources(d Desired) (src4, src6 netip.Addr, err error) {
	bad := func(reason string) error {
		return &RejectedError{Field: "sources", Reason: reason, Err: ErrInvalidEvent}
	}
	all := d.Sources
	if d.Source.IsValid() {
		all = append([]netip.Addr{d.Source}, all...)
	}
	for _, a := range all {
		switch {
		case !a.IsValid() || a.IsUnspecified() || a.Zone() != "":
			return src4, src6, bad(a.String())
		case a.Is4In6():
			return src4, src6, bad(a.String() + " is an IPv4-mapped IPv6 address; give the IPv4 address")
		}
		have := &src6
		if a.Is4() {
			have = &src4
		}
		if have.IsValid() && *have != a {
			return src4, src6, bad(fmt.Sprintf("%s and %s are of one family; a route takes one source", *have, a))
		}
		*have = a
	}
	return src4, src6, nil
}

func checkRemote(r Remote) error {
	bad := func(field, reason string) error {
		return &RejectedError{Field: field, Reason: fmt.Sprintf("cluster %q: %s", r.Cluster, reason), Err: ErrInvalidEvent}
	}
	switch {
	case r.Cluster == "":
		return bad("cluster", "empty name")
	case !r.Gateway.IsValid() && r.LinkIndex <= 0:
		return bad("gateway", "neither a gateway nor a link index")
	case r.LinkIndex < 0:
		return bad("linkIndex", "negative")
	case r.Device != "" && r.LinkIndex == 0:
		return bad("device", "a device name without its link index")
	case r.Gateway.IsValid() && (r.Gateway.IsUnspecified() || r.Gateway.Zone() != ""):
		return bad("gateway", r.Gateway.String())
	}
	for _, p := range r.Subnets {
		if !p.IsValid() {
			return bad("subnets", "invalid prefix")
		}
		if r.Gateway.IsValid() && r.Gateway.Is4() != p.Addr().Is4() {
			return bad("subnets", fmt.Sprintf("%s and gateway %s are of different families", p, r.Gateway))
		}
	}
	return nil
}

// hijacks says why routing p to a remote would capture local traffic, or
// returns "" if it would not (or cfg allows it).
func hijacks(cfg Config, p netip.Prefix) string {
	if cfg.AllowHijack {
		return ""
	}
	if p.Bits() == 0 {
		return "a default route"
	}
	for _, l := range cfg.PodCIDRs {
		if l.Overlaps(p) {
			return "overlaps the local pod CIDR " + l.String()
		}
	}
	for _, l := range cfg.ServiceCIDRs {
		if l.Overlaps(p) {
			return "overlaps the local service CIDR " + l.String()
		}
	}
	return ""
}
