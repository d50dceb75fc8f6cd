package main

import (
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/meshstate/meshstate/internal/nstest"
	"github.com/meshstate/meshstate/routes"
)

// namespace is a network namespace of the demo and a netlink handle bound
// to it. It is anonymous: closing both releases it, and the kernel deletes
// its links (the veth pair with it).
type namespace struct {
	name string
	ns   netns.NsHandle
	h    *netlink.Handle
}

// newNamespace creates an anonymous namespace and a handle bound to it.
func newNamespace(name string) (*namespace, error) {
	ns, err := nstest.Create()
	if err != nil {
		return nil, fmt.Errorf("namespace %s: %w", name, err)
	}
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		ns.Close()
		return nil, fmt.Errorf("namespace %s: handle: %w", name, err)
	}
	return &namespace{name: name, ns: ns, h: h}, nil
}

func (n *namespace) close() {
	n.h.Close()
	n.ns.Close()
}

// addAddr puts addr on the named link and sets it up.
func (n *namespace) addAddr(link string, addr netip.Prefix) error {
	l, err := n.h.LinkByName(link)
	if err != nil {
		return fmt.Errorf("%s: link %s: %w", n.name, link, err)
	}
	if addr.IsValid() {
		ipn := &net.IPNet{IP: addr.Addr().AsSlice(), Mask: net.CIDRMask(addr.Bits(), addr.Addr().BitLen())}
		if err := n.h.AddrAdd(l, &netlink.Addr{IPNet: ipn}); err != nil {
			return fmt.Errorf("%s: address %s on %s: %w", n.name, addr, link, err)
		}
	}
	if err := n.h.LinkSetUp(l); err != nil {
		return fmt.Errorf("%s: set %s up: %w", n.name, link, err)
	}
	return nil
}

// tableRoutes dumps the IPv4 routes of table, whatever their protocol,
// sorted by destination; the netlink values are returned too, for deletion.
func (n *namespace) tableRoutes(table uint32) ([]routes.Route, []netlink.Route, error) {
	krs, err := n.h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: int(table)}, netlink.RT_FILTER_TABLE)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: dump table %d: %w", n.name, table, err)
	}
	rs := make([]routes.Route, 0, len(krs))
	for _, kr := range krs {
		rs = append(rs, fromKernel(kr))
	}
	sortRoutes(rs)
	return rs, krs, nil
}

// tableRules dumps the IPv4 rules looking up table.
func (n *namespace) tableRules(table uint32) ([]routes.Rule, error) {
	krs, err := n.h.RuleListFiltered(netlink.FAMILY_V4, &netlink.Rule{Table: int(table)}, netlink.RT_FILTER_TABLE)
	if err != nil {
		return nil, fmt.Errorf("%s: dump rules of table %d: %w", n.name, table, err)
	}
	rs := make([]routes.Rule, 0, len(krs))
	for _, kr := range krs {
		rs = append(rs, routes.Rule{
			Priority: uint32(max(kr.Priority, 0)),
			Table:    uint32(max(kr.Table, 0)),
			Src:      prefixOf(kr.Src),
			Dst:      prefixOf(kr.Dst),
			Protocol: kr.Protocol,
		})
	}
	return rs, nil
}

// fromKernel is the demo's own reading of a kernel route, independent of
// routes/kernel's, so that what it prints is what netlink says.
func fromKernel(kr netlink.Route) routes.Route {
	return routes.Route{
		Dst:       prefixOf(kr.Dst),
		Gateway:   addrOf(kr.Gw),
		LinkIndex: kr.LinkIndex,
		Src:       addrOf(kr.Src),
		Table:     uint32(max(kr.Table, 0)),
		Protocol:  uint8(kr.Protocol),
		Metric:    uint32(max(kr.Priority, 0)),
	}
}

func addrOf(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

func prefixOf(n *net.IPNet) netip.Prefix {
	if n == nil {
		return netip.Prefix{}
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(addrOf(n.IP), ones)
}

func sortRoutes(rs []routes.Route) {
	slices.SortFunc(rs, func(a, b routes.Route) int {
		if c := a.Dst.Addr().Compare(b.Dst.Addr()); c != 0 {
			return c
		}
		return a.Dst.Bits() - b.Dst.Bits()
	})
}
