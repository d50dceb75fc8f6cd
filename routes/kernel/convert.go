package kernel

import (
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// v6DefaultMetric is the metric the kernel gives an IPv6 route added
// without one.
const v6DefaultMetric = 1024

func prefixOf(n *net.IPNet) netip.Prefix {
	if n == nil {
		return netip.Prefix{}
	}
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(a.Unmap(), ones)
}

func addrOf(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

func ipNet(p netip.Prefix) *net.IPNet {
	if !p.IsValid() {
		return nil
	}
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func ipOf(a netip.Addr) net.IP {
	if !a.IsValid() {
		return nil
	}
	return a.AsSlice()
}

// fromKernel converts a kernel route. An IPv6 route the kernel gave its
// default metric is reported with the metric we asked for (0), so that it
// is recognised as the route we wrote.
func fromKernel(r netlink.Route, metric uint32) routes.Route {
	out := routes.Route{
		Dst: prefixOf(r.Dst), Gateway: addrOf(r.Gw), LinkIndex: r.LinkIndex, Src: addrOf(r.Src),
		Table: uint32(r.Table), Protocol: uint8(r.Protocol), Metric: uint32(r.Priority),
	}
	if out.Dst.Addr().Is6() && metric == 0 && out.Metric == v6DefaultMetric {
		out.Metric = 0
	}
	return out
}

func toKernel(r routes.Route) *netlink.Route {
	out := &netlink.Route{
		Dst: ipNet(r.Dst), Gw: ipOf(r.Gateway), LinkIndex: r.LinkIndex, Src: ipOf(r.Src),
		Table: int(r.Table), Protocol: netlink.RouteProtocol(r.Protocol), Priority: int(r.Metric),
		Scope: netlink.SCOPE_UNIVERSE,
	}
	if !r.Gateway.IsValid() {
		out.Scope = netlink.SCOPE_LINK
	}
	return out
}

func ruleFromKernel(r netlink.Rule) routes.Rule {
	return routes.Rule{Priority: uint32(r.Priority), Table: uint32(r.Table), Src: prefixOf(r.Src),
		Dst: prefixOf(r.Dst), Protocol: r.Protocol, IPv6: r.Family == unix.AF_INET6}
}

func ruleToKernel(r routes.Rule) *netlink.Rule {
	out := netlink.NewRule()
	out.Priority, out.Table, out.Protocol = int(r.Priority), int(r.Table), r.Protocol
	out.Src, out.Dst = ipNet(r.Src), ipNet(r.Dst)
	out.Family = unix.AF_INET
	if r.IPv6 {
		out.Family = unix.AF_INET6
	}
	return out
}
