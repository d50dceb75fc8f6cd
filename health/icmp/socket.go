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
)

// protocolICMP is the IANA protocol number of ICMPv4, which ParseMessage
// needs to tell ICMPv4 from ICMPv6.
const protocolICMP = 1

// listen opens a raw ICMPv4 socket inside ns, or in the calling thread's
// namespace when ns is not a valid handle (zero or netns.None()).
//
// The switch happens on a goroutine of its own with its OS thread locked:
// if switching back fails, the goroutine exits still locked, and the runtime
// then discards the thread instead of reusing it in the wrong namespace. That
// avoids both a panic and a poisoned thread.
func listen(ns netns.NsHandle) (*xicmp.PacketConn, error) {
	if ns <= 0 {
		return xicmp.ListenPacket("ip4:icmp", "0.0.0.0")
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
		conn, err := xicmp.ListenPacket("ip4:icmp", "0.0.0.0")
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

// parseReply decodes an ICMPv4 message read from the socket. ok is false for
// anything but an echo reply, such as the echo requests other hosts send us
// or errors (the raw socket sees every ICMP message of the namespace).
func parseReply(b []byte) (id, seq int, ok bool) {
	m, err := xicmp.ParseMessage(protocolICMP, b)
	if err != nil || m.Type != ipv4.ICMPTypeEchoReply {
		return 0, 0, false
	}
	e, isEcho := m.Body.(*xicmp.Echo)
	if !isEcho {
		return 0, 0, false
	}
	return e.ID, e.Seq, true
}

// marshalEcho builds an echo request. The payload carries nothing the
// reader relies on; it only gives the request a conventional size.
func marshalEcho(id, seq int) ([]byte, error) {
	m := xicmp.Message{
		Type: ipv4.ICMPTypeEcho,
		Body: &xicmp.Echo{ID: id, Seq: seq, Data: []byte("meshstate-health")},
	}
	return m.Marshal(nil)
}

// sourceAddr converts the address ReadFrom returns for a raw IPv4 socket.
func sourceAddr(a net.Addr) netip.Addr {
	ipa, ok := a.(*net.IPAddr)
	if !ok {
		return netip.Addr{}
	}
	ip, ok := netip.AddrFromSlice(ipa.IP)
	if !ok {
		return netip.Addr{}
	}
	return ip.Unmap()
}

// isClosed reports whether err comes from reading a socket Run has closed,
// which is how the reader learns to stop.
func isClosed(err error) bool { return errors.Is(err, net.ErrClosed) }
