package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/internal/prog"
	"github.com/meshstate/meshstate/kube/vipbgp"
)

// options are the parsed flags.
type options struct {
	prog.Options
	nodeName, namespace string
	bgp                 vipbgp.Config
}

// peerFlags is the repeatable --peer flag. Each value is one neighbor,
// ADDRESS:ASN[:PASSWORD]; the port and multihop TTL, set by their own
// flags, are filled in once every flag has been read.
type peerFlags []vipbgp.Peer

// String is the peers as --peer takes them, without their passwords.
func (p *peerFlags) String() string {
	if p == nil {
		return ""
	}
	s := make([]string, len(*p))
	for i, x := range *p {
		s[i] = peerString(x)
	}
	return strings.Join(s, " ")
}

// Set parses one peer.
func (p *peerFlags) Set(v string) error {
	peer, err := parsePeer(v)
	if err != nil {
		return err
	}
	for _, x := range *p {
		if x.Address == peer.Address {
			return fmt.Errorf("peer %v given twice", peer.Address)
		}
	}
	*p = append(*p, peer)
	return nil
}

// peerString is p as --peer takes it, without its password.
func peerString(p vipbgp.Peer) string {
	a := p.Address.String()
	if p.Address.Is6() {
		a = "[" + a + "]"
	}
	return a + ":" + strconv.FormatUint(uint64(p.ASN), 10)
}

// parsePeer parses ADDRESS:ASN[:PASSWORD]. ADDRESS is an IPv4 address or
// an IPv6 address in brackets, as in a host:port ("[2001:db8::1]:65001");
// the password is everything after the second colon, colons included.
func parsePeer(v string) (vipbgp.Peer, error) {
	var addr, rest string
	if strings.HasPrefix(v, "[") {
		end := strings.Index(v, "]")
		if end < 0 {
			return vipbgp.Peer{}, fmt.Errorf("%q: no ] after the IPv6 address; want [ADDRESS]:ASN[:PASSWORD]", v)
		}
		addr, rest = v[1:end], v[end+1:]
		if !strings.HasPrefix(rest, ":") {
			return vipbgp.Peer{}, fmt.Errorf("%q: want [ADDRESS]:ASN[:PASSWORD]", v)
		}
		rest = rest[1:]
	} else {
		var ok bool
		addr, rest, ok = strings.Cut(v, ":")
		if !ok {
			return vipbgp.Peer{}, fmt.Errorf("%q: no ASN; want ADDRESS:ASN[:PASSWORD]", v)
		}
	}
	a, err := netip.ParseAddr(addr)
	switch {
	case err != nil && strings.Count(v, ":") > 2 && !strings.HasPrefix(v, "["):
		return vipbgp.Peer{}, fmt.Errorf("%q: put an IPv6 address in brackets: [ADDRESS]:ASN[:PASSWORD]", v)
	case err != nil:
		return vipbgp.Peer{}, fmt.Errorf("%q: address: %w", v, err)
	case a.Zone() != "":
		return vipbgp.Peer{}, fmt.Errorf("%q: an address with a zone is not supported", v)
	case a.Is4In6():
		return vipbgp.Peer{}, fmt.Errorf("%q: an IPv4-mapped address; give it as %v", v, a.Unmap())
	case !a.IsGlobalUnicast() && !a.IsLoopback():
		return vipbgp.Peer{}, fmt.Errorf("%q: %v is not a unicast address", v, a)
	}
	asn, password, hasPassword := strings.Cut(rest, ":")
	n, err := parseASN(asn)
	if err != nil {
		return vipbgp.Peer{}, fmt.Errorf("%q: ASN: %w", v, err)
	}
	if hasPassword && password == "" {
		return vipbgp.Peer{}, fmt.Errorf("%q: empty password; leave out the last colon for none", v)
	}
	return vipbgp.Peer{Address: a, ASN: n, Password: password}, nil
}

// parseASN parses a 4-byte AS number, plain ("65001") or asdot
// ("1.10"). 0 is reserved (RFC 7607) and refused.
func parseASN(s string) (uint32, error) {
	if hi, lo, ok := strings.Cut(s, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err := errors.Join(err1, err2); err != nil {
			return 0, fmt.Errorf("%q: want a number, or two 16-bit numbers as in 1.10", s)
		}
		s = strconv.FormatUint(h<<16|l, 10)
	}
	n, err := strconv.ParseUint(s, 10, 32)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q: want a number from 1 to %d", s, uint32(math.MaxUint32))
	case n == 0:
		return 0, errors.New("0 is reserved")
	}
	return uint32(n), nil
}

// asnFlag is a flag.Value for one AS number.
type asnFlag struct{ n *uint32 }

// String is the AS number, or empty if unset.
func (a asnFlag) String() string {
	if a.n == nil || *a.n == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(*a.n), 10)
}

// Set parses an AS number.
func (a asnFlag) Set(v string) error {
	n, err := parseASN(v)
	if err == nil {
		*a.n = n
	}
	return err
}

// addrFlag is a flag.Value for one address of one family (4 or 6).
type addrFlag struct {
	a      *netip.Addr
	family int
}

// String is the address, or empty if unset.
func (f addrFlag) String() string {
	if f.a == nil || !f.a.IsValid() {
		return ""
	}
	return f.a.String()
}

// Set parses a unicast address of the flag's family.
func (f addrFlag) Set(v string) error {
	a, err := netip.ParseAddr(v)
	switch {
	case err != nil:
		return err
	case a.Zone() != "":
		return errors.New("an address with a zone is not supported")
	case f.family == 4 && !a.Is4():
		return fmt.Errorf("%v is not an IPv4 address", a)
	case f.family == 6 && (!a.Is6() || a.Is4In6()):
		return fmt.Errorf("%v is not an IPv6 address", a)
	case a.IsUnspecified() || a.IsMulticast():
		return fmt.Errorf("%v is not a unicast address", a)
	}
	*f.a = a
	return nil
}

// stringsFlag is a repeatable string flag.
type stringsFlag []string

// String is the values, comma-separated.
func (s *stringsFlag) String() string {
	if s == nil {
		return ""
	}
	return strings.Join(*s, ",")
}

// Set adds a value; an empty one is refused.
func (s *stringsFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty")
	}
	*s = append(*s, v)
	return nil
}

// parseFlags parses args; its errors wrap prog.ErrUsage, or are
// flag.ErrHelp. Help and the flag package's complaints go to w.
func parseFlags(args []string, w io.Writer) (options, error) {
	var (
		o           options
		peers       peerFlags
		communities stringsFlag
		port        uint
		ttl         uint
		listen      int
		restart     time.Duration
	)
	fs := flag.NewFlagSet("bgpvip", flag.ContinueOnError)
	o.Bind(fs)
	fs.StringVar(&o.nodeName, "node-name", defaultNodeName(), "this node's name, for externalTrafficPolicy Local; defaults to $NODE_NAME, else the hostname")
	fs.StringVar(&o.namespace, "namespace", "", "watch one namespace only (default: all)")
	fs.Var(asnFlag{&o.bgp.ASN}, "asn", "this speaker's AS number, 1 to 4294967295 or asdot (1.10) (required)")
	fs.Var(addrFlag{&o.bgp.RouterID, 4}, "router-id", "this speaker's BGP identifier, an IPv4 address unique among the peers (default: --next-hop)")
	fs.Var(&peers, "peer", "a BGP neighbor, `ADDRESS:ASN[:PASSWORD]` (IPv6 in brackets: [2001:db8::1]:65001; the optional TCP MD5 password is the rest, colons included); repeat for several (at least one)")
	fs.UintVar(&port, "peer-port", 179, "TCP port the peers listen on")
	fs.UintVar(&ttl, "peer-multihop-ttl", 0, "eBGP multihop: the TTL of packets to peers that are not directly connected, 2 to 255 (default 0: directly connected, TTL 1)")
	fs.Var(addrFlag{&o.bgp.NextHop, 4}, "next-hop", "next hop of the IPv4 VIPs' routes, this node's address on the peers' network (default: the local address of each session)")
	fs.Var(addrFlag{&o.bgp.NextHopV6, 6}, "next-hop-v6", "next hop of the IPv6 VIPs' routes (default: the local address of each session)")
	fs.Var(&communities, "community", "a standard community attached to every route, `AS:VALUE` (two 16-bit numbers, as in 64512:100); repeat for several")
	fs.IntVar(&listen, "bgp-listen-port", 0, "TCP port on which to accept BGP sessions (179 is BGP's own); 0 accepts none and only connects out to the peers")
	fs.DurationVar(&restart, "graceful-restart-time", 0, "enable graceful restart (RFC 4724): how long peers keep this speaker's routes while it restarts, in whole seconds up to 4095s, as in 120s; 0 disables it")
	if err := o.ParseChecked(fs, args, w, "bgpvip --asn ASN --peer ADDRESS:ASN[:PASSWORD] [--peer ...] [flags]",
		"Announces the load-balancer VIPs this node serves (vipkube) to BGP peers (vipbgp, GoBGP)."); err != nil {
		return o, err
	}
	usage := func(format string, args ...any) (options, error) {
		return o, fmt.Errorf("%w: "+format, append([]any{prog.ErrUsage}, args...)...)
	}
	switch {
	case o.bgp.ASN == 0:
		return usage("--asn is required")
	case len(peers) == 0:
		return usage("at least one --peer ADDRESS:ASN is required")
	case port == 0 || port > math.MaxUint16:
		return usage("--peer-port %d: want 1 to 65535", port)
	case ttl == 1 || ttl > math.MaxUint8:
		return usage("--peer-multihop-ttl %d: want 0 (directly connected) or 2 to 255", ttl)
	case listen < 0 || listen > math.MaxUint16:
		return usage("--bgp-listen-port %d: want 0 (do not listen) or a port up to 65535", listen)
	case restart < 0 || restart > vipbgp.MaxRestartTime:
		return usage("--graceful-restart-time %v: want 0 (disabled) to %v", restart, vipbgp.MaxRestartTime)
	case restart%time.Second != 0:
		return usage("--graceful-restart-time %v: BGP carries whole seconds", restart)
	case o.nodeName == "":
		return usage("--node-name is required (neither $NODE_NAME nor the hostname is set)")
	}
	if !o.bgp.RouterID.IsValid() {
		if !o.bgp.NextHop.IsValid() {
			return usage("--router-id is required without --next-hop (the BGP identifier is an IPv4 address)")
		}
		o.bgp.RouterID = o.bgp.NextHop
	}
	for i := range peers {
		peers[i].Port, peers[i].MultihopTTL = uint16(port), uint8(ttl)
	}
	o.bgp.Peers = peers
	o.bgp.Communities = communities
	o.bgp.ListenPort = int32(listen)
	o.bgp.GracefulRestart = vipbgp.GracefulRestart{Enabled: restart > 0, RestartTime: restart}
	// The machine's own check; the speaker's (a community vipbgp cannot
	// parse, say) are made by vipbgp.New, in run.
	if _, err := vip.New(vip.Config{NodeName: o.nodeName}); err != nil {
		return usage("--node-name: %w", err)
	}
	return o, nil
}

// defaultNodeName is $NODE_NAME (the downward API's usual variable), or
// the hostname.
func defaultNodeName() string {
	if n := os.Getenv("NODE_NAME"); n != "" {
		return n
	}
	h, _ := os.Hostname()
	return h
}
