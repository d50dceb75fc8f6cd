package kernel

import (
	"net/netip"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// kernelRoute is a route notification's fields as the kernel sent them,
// before the metric is normalised for the machine (toRoute).
type kernelRoute struct {
	dst, gw, src netip.Addr
	bits         int
	link         int
	table        uint32
	metric       uint32
	protocol     uint8
}

// parseRoute decodes an RTM_NEWROUTE or RTM_DELROUTE message. It reads
// only the attributes the machine keys and compares on, without the
// allocations of a full netlink.Route. Cached clones (RTM_F_CLONED) are
// not routes of any table and are skipped.
func parseRoute(b []byte) (kernelRoute, bool) {
	if len(b) < unix.SizeofRtMsg {
		return kernelRoute{}, false
	}
	msg := nl.DeserializeRtMsg(b)
	if msg.Flags&unix.RTM_F_CLONED != 0 {
		return kernelRoute{}, false
	}
	attrs, err := nl.ParseRouteAttr(b[msg.Len():])
	if err != nil {
		return kernelRoute{}, false
	}
	r := kernelRoute{bits: int(msg.Dst_len), table: uint32(msg.Table), protocol: msg.Protocol}
	native := nl.NativeEndian()
	for _, a := range attrs {
		switch a.Attr.Type {
		case unix.RTA_DST:
			r.dst, _ = netip.AddrFromSlice(a.Value)
		case unix.RTA_GATEWAY:
			r.gw, _ = netip.AddrFromSlice(a.Value)
		case unix.RTA_PREFSRC:
			r.src, _ = netip.AddrFromSlice(a.Value)
		case unix.RTA_OIF:
			if len(a.Value) >= 4 {
				r.link = int(native.Uint32(a.Value))
			}
		case unix.RTA_PRIORITY:
			if len(a.Value) >= 4 {
				r.metric = native.Uint32(a.Value)
			}
		case unix.RTA_TABLE:
			if len(a.Value) >= 4 {
				r.table = native.Uint32(a.Value)
			}
		}
	}
	if !r.dst.IsValid() {
		switch msg.Family {
		case unix.AF_INET:
			r.dst = netip.IPv4Unspecified()
		case unix.AF_INET6:
			r.dst = netip.IPv6Unspecified()
		default:
			return kernelRoute{}, false
		}
	}
	return r, true
}

// toRoute converts the notification as fromKernel converts a listed route.
func (k kernelRoute) toRoute(metric uint32) routes.Route {
	out := routes.Route{Dst: netip.PrefixFrom(k.dst.Unmap(), k.bits), Gateway: k.gw.Unmap(), LinkIndex: k.link,
		Src: k.src.Unmap(), Table: k.table, Protocol: k.protocol, Metric: k.metric}
	if out.Dst.Addr().Is6() && metric == 0 && out.Metric == v6DefaultMetric {
		out.Metric = 0
	}
	return out
}

// Attributes of a rule message (linux/fib_rules.h), which x/sys/unix
// does not name.
const (
	fraDst      = 1
	fraSrc      = 2
	fraPriority = 6
	fraTable    = 15
	fraProtocol = 21
)

// parseRule decodes an RTM_NEWRULE or RTM_DELRULE message: a fib_rule_hdr
// (family, dst_len, src_len, tos, table, two reserved bytes, action,
// flags: the layout of an rtmsg) and its attributes.
func parseRule(b []byte) (routes.Rule, bool) {
	if len(b) < unix.SizeofRtMsg {
		return routes.Rule{}, false
	}
	hdr := nl.DeserializeRtMsg(b)
	attrs, err := nl.ParseRouteAttr(b[unix.SizeofRtMsg:])
	if err != nil {
		return routes.Rule{}, false
	}
	r := routes.Rule{Table: uint32(hdr.Table), IPv6: hdr.Family == unix.AF_INET6}
	native := nl.NativeEndian()
	prefix := func(v []byte, bits uint8) netip.Prefix {
		a, ok := netip.AddrFromSlice(v)
		if !ok {
			return netip.Prefix{}
		}
		return netip.PrefixFrom(a.Unmap(), int(bits))
	}
	for _, a := range attrs {
		switch a.Attr.Type {
		case fraDst:
			r.Dst = prefix(a.Value, hdr.Dst_len)
		case fraSrc:
			r.Src = prefix(a.Value, hdr.Src_len)
		case fraPriority:
			if len(a.Value) >= 4 {
				r.Priority = native.Uint32(a.Value)
			}
		case fraTable:
			if len(a.Value) >= 4 {
				r.Table = native.Uint32(a.Value)
			}
		case fraProtocol:
			if len(a.Value) >= 1 {
				r.Protocol = a.Value[0]
			}
		}
	}
	return r, true
}
