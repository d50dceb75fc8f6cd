package vipbgp

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
)

// Config configures an Announcer. New validates all of it before anything
// starts.
type Config struct {
	// ASN is the local autonomous system number; required (not 0).
	ASN uint32
	// RouterID is the BGP identifier, an IPv4 address; required.
	RouterID netip.Addr
	// ListenPort is the port the speaker accepts BGP sessions on; 0 means
	// it does not listen and only connects out to its peers (kube-vip's
	// default).
	ListenPort int32
	// Peers are the upstream routers; at least one.
	Peers []Peer
	// NextHop is the next hop of IPv4 VIPs. The zero value means the
	// local address of each session (next hop self).
	NextHop netip.Addr
	// NextHopV6 is the next hop of IPv6 VIPs; the zero value means next
	// hop self, which needs an IPv6 peer.
	NextHopV6 netip.Addr
	// Communities are standard communities ("65000:100") put on every
	// path.
	Communities []string
	// GracefulRestart advertises RFC 4724 graceful restart; see the
	// package doc.
	GracefulRestart GracefulRestart
	// Log receives the speaker's session changes and failures; the zero
	// Logger discards them.
	Log logr.Logger
}

// Peer is an upstream BGP router.
type Peer struct {
	// Address is the router's address; IPv4 or IPv6.
	Address netip.Addr
	// ASN is the router's autonomous system number; required.
	ASN uint32
	// Port is the router's BGP port; 0 means 179.
	Port uint16
	// Password is the TCP MD5 signature key (RFC 2385), at most 80 bytes;
	// empty means none.
	Password string
	// MultihopTTL is the TTL of an eBGP multihop session; 0 means the
	// router is directly connected.
	MultihopTTL uint8
}

// GracefulRestart configures RFC 4724 graceful restart.
type GracefulRestart struct {
	// Enabled advertises the capability for ipv4-unicast and
	// ipv6-unicast. Off by default (the zero value): see the package doc.
	Enabled bool
	// RestartTime is how long a helper keeps the routes of a restarting
	// announcer; 0 means DefaultRestartTime. Whole seconds, at most
	// MaxRestartTime.
	RestartTime time.Duration
}

const (
	// DefaultRestartTime is the restart time advertised when
	// GracefulRestart.RestartTime is 0.
	DefaultRestartTime = 120 * time.Second
	// MaxRestartTime is the largest restart time the capability can carry
	// (12 bits of seconds).
	MaxRestartTime = 4095 * time.Second
	// maxPasswordLen is TCP_MD5SIG_MAXKEYLEN.
	maxPasswordLen = 80
)

// community is a parsed standard community.
type community = uint32

// settings is a validated Config, with its defaults applied.
type settings struct {
	Config
	communities []community
	restartSecs uint32
}

// validate checks every field of cfg and applies the defaults.
func validate(cfg Config) (settings, error) {
	bad := func(field, format string, args ...any) (settings, error) {
		return settings{}, &ConfigError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	s := settings{Config: cfg}
	if cfg.ASN == 0 {
		return bad("ASN", "0 is not a valid AS number")
	}
	if !cfg.RouterID.Is4() || cfg.RouterID.IsUnspecified() {
		return bad("RouterID", "%v is not a specified IPv4 address", cfg.RouterID)
	}
	if cfg.ListenPort < 0 || cfg.ListenPort > 65535 {
		return bad("ListenPort", "%d is not a port (0 means do not listen)", cfg.ListenPort)
	}
	if len(cfg.Peers) == 0 {
		return bad("Peers", "at least one peer is required")
	}
	seen := map[netip.Addr]int{}
	for i, p := range cfg.Peers {
		field := fmt.Sprintf("Peers[%d]", i)
		if !p.Address.IsValid() || p.Address.IsUnspecified() || p.Address.Is4In6() || p.Address.Zone() != "" || p.Address.IsMulticast() {
			return bad(field+".Address", "%v is not a unicast IPv4 or IPv6 address without zone", p.Address)
		}
		if j, dup := seen[p.Address]; dup {
			return bad(field+".Address", "%v is also Peers[%d]", p.Address, j)
		}
		seen[p.Address] = i
		if p.ASN == 0 {
			return bad(field+".ASN", "0 is not a valid AS number")
		}
		if len(p.Password) > maxPasswordLen {
			return bad(field+".Password", "%d bytes, more than the %d a TCP MD5 key holds", len(p.Password), maxPasswordLen)
		}
		if strings.ContainsRune(p.Password, 0) {
			return bad(field+".Password", "contains a NUL byte")
		}
	}
	if cfg.NextHop.IsValid() && (!cfg.NextHop.Is4() || cfg.NextHop.IsUnspecified()) {
		return bad("NextHop", "%v is not a specified IPv4 address", cfg.NextHop)
	}
	if cfg.NextHopV6.IsValid() && (!cfg.NextHopV6.Is6() || cfg.NextHopV6.Is4In6() || cfg.NextHopV6.IsUnspecified() || cfg.NextHopV6.Zone() != "") {
		return bad("NextHopV6", "%v is not a specified IPv6 address without zone", cfg.NextHopV6)
	}
	for i, c := range cfg.Communities {
		v, err := parseCommunity(c)
		if err != nil {
			return bad(fmt.Sprintf("Communities[%d]", i), "%q: %v", c, err)
		}
		s.communities = append(s.communities, v)
	}
	gr := cfg.GracefulRestart
	switch {
	case gr.RestartTime == 0:
		s.restartSecs = uint32(DefaultRestartTime / time.Second)
	case gr.RestartTime < 0 || gr.RestartTime > MaxRestartTime || gr.RestartTime%time.Second != 0:
		return bad("GracefulRestart.RestartTime", "%v is not a whole number of seconds from 1s to %v", gr.RestartTime, MaxRestartTime)
	default:
		s.restartSecs = uint32(gr.RestartTime / time.Second)
	}
	s.Peers = append([]Peer(nil), cfg.Peers...)
	return s, nil
}

// parseCommunity reads "AS:value", both 16-bit decimal numbers.
func parseCommunity(c string) (community, error) {
	hi, lo, ok := strings.Cut(c, ":")
	if !ok {
		return 0, fmt.Errorf("not of the form AS:value")
	}
	a, err := strconv.ParseUint(hi, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("AS part: %w", err)
	}
	b, err := strconv.ParseUint(lo, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("value part: %w", err)
	}
	return community(a<<16 | b), nil
}

// hasPeerOf reports whether a peer has an address of vip's family.
func (s *settings) hasPeerOf(vip netip.Addr) bool {
	for _, p := range s.Peers {
		if p.Address.Is4() == vip.Is4() {
			return true
		}
	}
	return false
}
