package routes

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Route is a kernel route as the machine sees it: our own value type, so
// that the machine does not depend on netlink.
type Route struct {
	// Dst is the destination prefix: a remote cluster's subnet.
	Dst netip.Prefix `json:"dst"`
	// Gateway is the next hop; the zero Addr means a device route via
	// LinkIndex.
	Gateway netip.Addr `json:"gateway,omitzero"`
	// LinkIndex is the output device's interface index; 0 means none
	// given, and the kernel picks the device that reaches Gateway.
	LinkIndex int `json:"linkIndex,omitempty"`
	// Src is the preferred source address (the CNI interface's address);
	// the zero Addr means none, and the kernel picks one.
	Src netip.Addr `json:"src,omitzero"`
	// Table is the routing table holding the route; with Protocol it is
	// the ownership marker (see Config).
	Table uint32 `json:"table"`
	// Protocol is the route's protocol number (RTPROT_*); ours carry
	// Config.Protocol.
	Protocol uint8 `json:"protocol"`
	// Metric is the route's priority (lower wins); 0 is the kernel's
	// default.
	Metric uint32 `json:"metric,omitempty"`
}

// RouteKey is what identifies a route in the kernel: two routes with the
// same key cannot coexist, so a replace of one overwrites the other.
type RouteKey struct {
	// Table is the route's routing table.
	Table uint32 `json:"table"`
	// Dst is the route's destination prefix.
	Dst netip.Prefix `json:"dst"`
	// Metric is the route's priority; 0 is the kernel's default.
	Metric uint32 `json:"metric,omitempty"`
}

// routeID is RouteKey as plain integers: without netip's internal
// pointer it hashes as one block of memory, cheaper to hash on the hot
// path of a dump.
type routeID struct {
	hi, lo        uint64
	table, metric uint32
	bits          int16
	v6            bool
}

func (r Route) id() routeID {
	id := routeID{table: r.Table, metric: r.Metric, bits: int16(r.Dst.Bits())}
	if a := r.Dst.Addr(); a.Is4() {
		// As16 of an IPv4 address is its IPv4-mapped form, ::ffff:a.b.c.d.
		b := a.As4()
		id.lo = 0xffff<<32 | uint64(binary.BigEndian.Uint32(b[:]))
	} else {
		b := a.As16()
		id.hi, id.lo, id.v6 = binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), a.Is6()
	}
	return id
}

// Key returns the route's identity in the kernel.
func (r Route) Key() RouteKey { return RouteKey{Table: r.Table, Dst: r.Dst, Metric: r.Metric} }

// String writes the route as `ip route` would, roughly.
func (r Route) String() string {
	s := fmt.Sprintf("%s table %d proto %d", r.Dst, r.Table, r.Protocol)
	if r.Gateway.IsValid() {
		s += " via " + r.Gateway.String()
	}
	if r.LinkIndex != 0 {
		s += fmt.Sprintf(" dev #%d", r.LinkIndex)
	}
	if r.Src.IsValid() {
		s += " src " + r.Src.String()
	}
	if r.Metric != 0 {
		s += fmt.Sprintf(" metric %d", r.Metric)
	}
	return s
}

// Rule is a policy routing rule: traffic of the family (IPv6 or IPv4)
// from Src to Dst (the zero Prefix means any) looks up Table. The whole
// value is its identity.
type Rule struct {
	// Priority orders the rule among the kernel's (lower is tried
	// first); ours carry Config.RulePriority.
	Priority uint32 `json:"priority"`
	// Table is the routing table the rule looks up; with Protocol it is
	// the ownership marker (see Config).
	Table uint32 `json:"table"`
	// Src matches the packet's source; the zero Prefix matches any.
	Src netip.Prefix `json:"src,omitzero"`
	// Dst matches the packet's destination; the zero Prefix matches any.
	Dst netip.Prefix `json:"dst,omitzero"`
	// Protocol is the rule's protocol number; ours carry Config.Protocol.
	Protocol uint8 `json:"protocol"`
	// IPv6 selects the rule's family (ip -6 rule); false means IPv4.
	IPv6 bool `json:"ipv6,omitempty"`
}

// String writes the rule as `ip rule` would, roughly.
func (r Rule) String() string {
	from, to := "all", "all"
	if r.Src.IsValid() {
		from = r.Src.String()
	}
	if r.Dst.IsValid() {
		to = r.Dst.String()
	}
	family := "-4"
	if r.IPv6 {
		family = "-6"
	}
	return fmt.Sprintf("%s %d: from %s to %s lookup %d proto %d", family, r.Priority, from, to, r.Table, r.Protocol)
}

// Remote is one remote cluster's subnets and how to reach them: via
// Gateway, or through the device LinkIndex, or both.
type Remote struct {
	// Cluster names the remote cluster. When two remotes claim a
	// subnet, the one whose Cluster sorts first keeps it.
	Cluster string `json:"cluster"`
	// Subnets are the remote cluster's prefixes to route (pod and
	// service CIDRs); each becomes one route in Config.Table.
	Subnets []netip.Prefix `json:"subnets"`
	// Gateway is the next hop towards the remote cluster; the zero Addr
	// means a device route via LinkIndex.
	Gateway netip.Addr `json:"gateway,omitzero"`
	// LinkIndex is the interface index of the device towards the remote
	// cluster (a tunnel device); 0 means none, and Gateway is needed.
	LinkIndex int `json:"linkIndex,omitempty"`
	// Device, if set, names the device of LinkIndex, so that the routes
	// follow it: a device deleted and created again (a CNI re-creating
	// its tunnel device) comes back at another index, and once a
	// LinkUpdate reports the name at its new index the routes move there,
	// without a new Desired. Until then LinkIndex is used. It needs
	// LinkIndex.
	Device string `json:"device,omitempty"`
}

// routeSatisfies reports whether the kernel's route have is the wanted
// one. A route via a gateway wanted without a device (LinkIndex 0) is
// reported by the kernel with the device it resolved: any device will do.
func routeSatisfies(have, want *Route) bool {
	return have.Dst == want.Dst && have.Gateway == want.Gateway &&
		(have.LinkIndex == want.LinkIndex || want.LinkIndex == 0 && want.Gateway.IsValid()) &&
		have.Src == want.Src && have.Table == want.Table && have.Protocol == want.Protocol &&
		have.Metric == want.Metric
}
