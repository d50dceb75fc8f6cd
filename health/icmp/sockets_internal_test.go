package icmp

import (
	"errors"
	"net/netip"
	"syscall"
	"testing"

	xicmp "golang.org/x/net/icmp"
)

// Without an ICMPv6 socket (a kernel without IPv6), IPv4 probes still get
// theirs, and IPv6 probes an error wrapping ErrUnsupportedAddr and the
// reason the socket is missing.
func TestSocketsWithoutIPv6(t *testing.T) {
	s := &sockets{v4: socket{f: v4, conn: &xicmp.PacketConn{}}, v6: socket{f: v6, err: syscall.EAFNOSUPPORT}}
	ip4 := netip.MustParseAddr("192.0.2.1")
	if c, err := s.forAddr(ip4), s.forAddr(ip4).unusable(ip4); err != nil || c != &s.v4 {
		t.Errorf("IPv4: %v, %v", c, err)
	}
	ip6 := netip.MustParseAddr("2001:db8::1")
	err := s.forAddr(ip6).unusable(ip6)
	if !errors.Is(err, ErrUnsupportedAddr) || !errors.Is(err, syscall.EAFNOSUPPORT) {
		t.Errorf("IPv6 without a socket: %v, want ErrUnsupportedAddr and EAFNOSUPPORT", err)
	}
}

// parseReply takes only echo replies of its own family.
func TestParseReplyByFamily(t *testing.T) {
	for _, f := range []family{v4, v6} {
		req, err := marshalEcho(f, 7, 9)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, ok := parseReply(f, req); ok {
			t.Errorf("%s: an echo request was taken for a reply", f.network)
		}
		reply, err := (&xicmp.Message{Type: f.echoReply, Body: &xicmp.Echo{ID: 7, Seq: 9}}).Marshal(nil)
		if err != nil {
			t.Fatal(err)
		}
		if id, seq, ok := parseReply(f, reply); !ok || id != 7 || seq != 9 {
			t.Errorf("%s: reply parsed as %d %d %v, want 7 9 true", f.network, id, seq, ok)
		}
	}
}
