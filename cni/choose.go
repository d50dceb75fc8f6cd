package cni

import (
	"cmp"
	"net/netip"
	"slices"
)

// Link is a host link as the machine sees it.
type Link struct {
	// Index is the kernel's ifindex, positive and unique on the host.
	Index int `json:"index"`
	// Name is the interface name (at most 15 bytes, as the kernel allows).
	Name string `json:"name"`
	// Up is whether the link is administratively up.
	Up bool `json:"up,omitempty"`
	// Addrs are the addresses on the link, with their prefix lengths.
	Addrs []netip.Prefix `json:"addrs,omitempty"`
}

// Choice is the chosen CNI interface.
type Choice struct {
	// Interface is the chosen link's name.
	Interface string `json:"interface"`
	// Index is the chosen link's ifindex, which identifies it on the host
	// even if it is renamed.
	Index int `json:"index"`
	// Address is the link's address inside a pod CIDR, with its prefix
	// length: the lowest such address on the link, IPv4 before IPv6.
	Address netip.Prefix `json:"address"`
}

// Choose returns the CNI interface among links: a link holding an address
// inside one of podCIDRs (IPv4 or IPv6). When several links match, the
// choice is deterministic and independent of the order of links: up links
// before down ones, then the lowest ifindex (unique on a host). On the
// chosen link, the lowest matching address wins, IPv4 before IPv6 (netip
// order). The second result is false when no link matches.
func Choose(links []Link, podCIDRs []netip.Prefix) (Choice, bool) {
	var best Choice
	bestUp, found := false, false
	for _, l := range links {
		addr, ok := matching(l.Addrs, podCIDRs)
		if !ok {
			continue
		}
		if found && !better(l.Up, l.Index, bestUp, best.Index) {
			continue
		}
		best, bestUp, found = Choice{Interface: l.Name, Index: l.Index, Address: addr}, l.Up, true
	}
	return best, found
}

// better reports whether a link (up, index) beats the current best.
func better(up bool, index int, bestUp bool, bestIndex int) bool {
	if up != bestUp {
		return up
	}
	return index < bestIndex
}

// matching returns the lowest address of addrs inside one of podCIDRs.
func matching(addrs, podCIDRs []netip.Prefix) (netip.Prefix, bool) {
	var best netip.Prefix
	for _, a := range addrs {
		if !inAny(a.Addr(), podCIDRs) {
			continue
		}
		if !best.IsValid() || comparePrefix(a, best) < 0 {
			best = a
		}
	}
	return best, best.IsValid()
}

func inAny(a netip.Addr, cidrs []netip.Prefix) bool {
	return slices.ContainsFunc(cidrs, func(p netip.Prefix) bool { return p.Contains(a) })
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}
