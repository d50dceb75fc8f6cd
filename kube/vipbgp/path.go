package vipbgp

import (
	"fmt"
	"net/netip"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// checkVIP refuses an address that cannot be announced as a host route,
// or whose family has no next hop.
func (s *settings) checkVIP(vip netip.Addr) error {
	bad := func(reason string) error { return &VIPError{VIP: vip, Reason: reason} }
	switch {
	case !vip.IsValid():
		return bad("the zero address")
	case vip.Zone() != "":
		return bad("an address with a zone")
	case vip.Is4In6():
		return bad("an IPv4-mapped IPv6 address: use the IPv4 form")
	case vip.IsUnspecified(), vip.IsMulticast(), vip.IsLoopback(), vip.IsLinkLocalUnicast():
		return bad("not a global or private unicast address")
	}
	if vip.Is4() && !s.NextHop.IsValid() && !s.hasPeerOf(vip) {
		return bad("IPv4, with no NextHop and no IPv4 peer to take the session's address from")
	}
	if vip.Is6() && !s.NextHopV6.IsValid() && !s.hasPeerOf(vip) {
		return bad("IPv6, with no NextHopV6 and no IPv6 peer to take the session's address from")
	}
	return nil
}

// family is vip's GoBGP address family.
func family(vip netip.Addr) *api.Family {
	if vip.Is4() {
		return &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}
	}
	return &api.Family{Afi: api.Family_AFI_IP6, Safi: api.Family_SAFI_UNICAST}
}

// path is the host route of vip, with the next hop and communities of s.
// Next hop self is GoBGP's unspecified next hop, which it replaces with
// each session's local address.
func (s *settings) path(vip netip.Addr) (*api.Path, error) {
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(bgp.BGP_ORIGIN_ATTR_TYPE_IGP)}
	var nlri bgp.AddrPrefixInterface
	if vip.Is4() {
		nlri = bgp.NewIPAddrPrefix(32, vip.String())
		nh := "0.0.0.0"
		if s.NextHop.IsValid() {
			nh = s.NextHop.String()
		}
		attrs = append(attrs, bgp.NewPathAttributeNextHop(nh))
	} else {
		nlri = bgp.NewIPv6AddrPrefix(128, vip.String())
		nh := "::"
		if s.NextHopV6.IsValid() {
			nh = s.NextHopV6.String()
		}
		attrs = append(attrs, bgp.NewPathAttributeMpReachNLRI(nh, []bgp.AddrPrefixInterface{nlri}))
	}
	if len(s.communities) > 0 {
		attrs = append(attrs, bgp.NewPathAttributeCommunities(s.communities))
	}
	p, err := apiutil.NewPath(nlri, false, attrs, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("vipbgp: path of %v: %w", vip, err)
	}
	p.Family = family(vip)
	return p, nil
}
