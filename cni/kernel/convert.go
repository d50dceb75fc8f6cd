package kernel

import (
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/cni"
)

// snapshot lists the links and their addresses. An interrupted dump comes
// back as netlink.ErrDumpInterrupted (with partial results, dropped here):
// a partial dump is never a snapshot.
func snapshot(h *netlink.Handle) ([]cni.Link, error) {
	links, err := h.LinkList()
	if err != nil {
		return nil, err
	}
	addrs, err := h.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nil, err
	}
	byIndex := make(map[int][]netip.Prefix, len(links))
	for _, a := range addrs {
		if p, ok := prefix(a.IPNet); ok && usable(a.Flags) {
			byIndex[a.LinkIndex] = append(byIndex[a.LinkIndex], p)
		}
	}
	out := make([]cni.Link, 0, len(links))
	for _, l := range links {
		a := l.Attrs()
		out = append(out, cni.Link{Index: a.Index, Name: a.Name, Up: a.Flags&net.FlagUp != 0, Addrs: byIndex[a.Index]})
	}
	return out, nil
}

func linkEvent(u netlink.LinkUpdate, at time.Time) cni.Event {
	a := u.Attrs()
	if u.Header.Type == unix.RTM_DELLINK {
		return cni.LinkRemoved{Index: a.Index, At: at}
	}
	return cni.LinkChanged{Link: cni.Link{Index: a.Index, Name: a.Name, Up: a.Flags&net.FlagUp != 0}, At: at}
}

func addrEvent(u netlink.AddrUpdate, at time.Time) (cni.Event, bool) {
	p, ok := prefix(&u.LinkAddress)
	if !ok {
		return nil, false
	}
	if u.NewAddr && usable(u.Flags) {
		return cni.AddrAdded{Index: u.LinkIndex, Address: p, At: at}, true
	}
	return cni.AddrRemoved{Index: u.LinkIndex, Address: p, At: at}, true
}

// usable says whether an address with these IFA_F flags holds: an IPv6
// address still in duplicate address detection (tentative, not optimistic)
// cannot be used yet. The kernel lists it in a dump but announces it only
// when DAD completes (about 1 s after a veth comes up, as found here), so
// the view leaves it out in both, and an announcement that it is tentative
// again (a link back up) withdraws it until DAD completes.
func usable(flags int) bool {
	return flags&unix.IFA_F_TENTATIVE == 0 || flags&unix.IFA_F_OPTIMISTIC != 0
}

// prefix converts a netlink address; IPv4 may come 16 bytes long.
func prefix(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, bits := n.Mask.Size()
	a = a.Unmap()
	if bits == 128 && a.Is4() {
		ones -= 96
	}
	return netip.PrefixFrom(a, ones), bits != 0
}
