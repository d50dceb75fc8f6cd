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
