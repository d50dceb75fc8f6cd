package icmp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"time"

	"github.com/vishvananda/netns"
	xicmp "golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// family is what differs between ICMPv4 and ICMPv6 echoes.
type family struct {
	network, addr   string
	proto           int // IANA protocol number, which ParseMessage needs
	echo, echoReply xicmp.Type
}

var (
	v4 = family{network: "ip4:icmp", addr: "0.0.0.0", proto: 1,
		echo: ipv4.ICMPTypeEcho, echoReply: ipv4.ICMPTypeEchoReply}
	// The kernel computes ICMPv6 checksums on raw sockets itself, so
	// messages are marshalled without the pseudo-header.
	v6 = family{network: "ip6:ipv6-icmp", addr: "::", proto: 58,
		echo: ipv6.ICMPTypeEchoRequest, echoReply: ipv6.ICMPTypeEchoReply}
)

// listen opens a raw socket of family f inside ns, or in the calling
// thread's namespace when ns is not a valid handle (zero or netns.None()).
//
// The switch happens on a goroutine of its own with its OS thread locked:
// if switching back fails, the goroutine exits still locked, and the runtime
// then discards the thread instead of reusing it in the wrong namespace. That
// avoids both a panic and a poisoned thread.
func listen(ns netns.NsHandle, f family) (*xicmp.PacketConn, error) {
	if ns <= 0 {
		return xicmp.ListenPacket(f.network, f.addr)
	}
	type result struct {
		conn *xicmp.PacketConn
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("current namespace: %w", err)}
			return
		}
		defer orig.Close()
		if err := netns.Set(ns); err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("enter namespace: %w", err)}
			return
		}
		conn, err := xicmp.ListenPacket(f.network, f.addr)
		if rerr := netns.Set(orig); rerr != nil {
			// Leave the thread locked: it dies with this goroutine.
			if conn != nil {
				conn.Close()
			}
			ch <- result{err: fmt.Errorf("return from namespace: %w", rerr)}
			return
		}
		runtime.UnlockOSThread()
		ch <- result{conn: conn, err: err}
	}()
	r := <-ch
	return r.conn, r.err
}

// reply is an echo reply as the reader hands it to a prober.
type reply struct {
	seq  int
	from netip.Addr
	at   time.Time
}

// parseReply decodes an ICMP message of family f read from the socket. ok
// is false for anything but an echo reply, such as the echo requests other
// hosts send us, errors, or (for ICMPv6) neighbour discovery: a raw socket
// sees every ICMP message of the namespace.
func parseReply(f family, b []byte) (id, seq int, ok bool) {
	m, err := xicmp.ParseMessage(f.proto, b)
	if err != nil || m.Type != f.echoReply {
		return 0, 0, false
	}
	e, isEcho := m.Body.(*xicmp.Echo)
	if !isEcho {
		return 0, 0, false
	}
	return e.ID, e.Seq, true
}

// marshalEcho builds an echo request of family f. The payload carries
// nothing the reader relies on; it only gives the request a conventional
// size.
func marshalEcho(f family, id, seq int) ([]byte, error) {
	m := xicmp.Message{
		Type: f.echo,
		Body: &xicmp.Echo{ID: id, Seq: seq, Data: []byte("meshstate-health")},
	}
	return m.Marshal(nil)
}

// sourceAddr converts the address ReadFrom returns for a raw socket. The
// zone of a link-local source is kept, as a prober's address has it.
func sourceAddr(a net.Addr) netip.Addr {
	ipa, ok := a.(*net.IPAddr)
	if !ok {
		return netip.Addr{}
	}
	ip, ok := netip.AddrFromSlice(ipa.IP)
	if !ok {
		return netip.Addr{}
	}
	return ip.Unmap().WithZone(ipa.Zone)
}

// isClosed reports whether err comes from reading a socket Run has closed,
// which is how the reader learns to stop.
func isClosed(err error) bool { return errors.Is(err, net.ErrClosed) }
