package vipbgp

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// tcpEstablished is the kernel's TCP_ESTABLISHED socket state.
const tcpEstablished = 1

// tcpSocket is an established TCP connection of this process.
type tcpSocket struct {
	family    uint8
	local     netip.AddrPort
	remote    netip.AddrPort // unmapped, for matching peers
	rawLocal  netip.AddrPort // as the kernel reported them, for the request
	rawRemote netip.AddrPort
}

// ownTCPSockets lists the established TCP connections, IPv4 and IPv6, of
// this process (own: the inodes of its sockets).
func ownTCPSockets(own map[uint32]bool) ([]tcpSocket, error) {
	var out []tcpSocket
	for _, family := range []uint8{unix.AF_INET, unix.AF_INET6} {
		socks, err := netlink.SocketDiagTCP(family)
		if err != nil {
			return nil, fmt.Errorf("vipbgp: listing TCP sockets: %w", err)
		}
		for _, sk := range socks {
			if !own[sk.INode] || sk.State != tcpEstablished {
				continue
			}
			src, ok1 := netip.AddrFromSlice(sk.ID.Source)
			dst, ok2 := netip.AddrFromSlice(sk.ID.Destination)
			if !ok1 || !ok2 {
				continue
			}
			rawLocal, rawRemote := netip.AddrPortFrom(src, sk.ID.SourcePort), netip.AddrPortFrom(dst, sk.ID.DestinationPort)
			if family == unix.AF_INET {
				rawLocal = netip.AddrPortFrom(src.Unmap(), sk.ID.SourcePort)
				rawRemote = netip.AddrPortFrom(dst.Unmap(), sk.ID.DestinationPort)
			}
			out = append(out, tcpSocket{family: family,
				local:    netip.AddrPortFrom(src.Unmap(), sk.ID.SourcePort),
				remote:   netip.AddrPortFrom(dst.Unmap(), sk.ID.DestinationPort),
				rawLocal: rawLocal, rawRemote: rawRemote})
		}
	}
	return out, nil
}

// destroy aborts the connection (SOCK_DESTROY): the kernel sends the peer
// a reset and fails the socket's reads and writes. netlink's own
// SocketDestroy knows IPv4 only.
func (s tcpSocket) destroy() error {
	req := nl.NewNetlinkRequest(nl.SOCK_DESTROY, unix.NLM_F_ACK)
	req.AddData(destroyRequest(s))
	_, err := req.Execute(unix.NETLINK_INET_DIAG, 0)
	return err
}

// destroyRequest is the kernel's struct inet_diag_req_v2 naming one TCP
// connection.
type destroyRequest tcpSocket

// Len is the size of struct inet_diag_req_v2.
func (r destroyRequest) Len() int { return 56 }

// Serialize lays out struct inet_diag_req_v2: family, protocol, ext, pad,
// states, then struct inet_diag_sockid (ports and addresses in network
// order, the interface, and the "no cookie" cookie).
func (r destroyRequest) Serialize() []byte {
	b := make([]byte, r.Len())
	b[0], b[1] = r.family, unix.IPPROTO_TCP
	binary.BigEndian.PutUint16(b[8:], r.rawLocal.Port())
	binary.BigEndian.PutUint16(b[10:], r.rawRemote.Port())
	put := func(at int, a netip.Addr) {
		if a.Is4() {
			v := a.As4()
			copy(b[at:at+4], v[:])
			return
		}
		v := a.As16()
		copy(b[at:at+16], v[:])
	}
	put(12, r.rawLocal.Addr())
	put(28, r.rawRemote.Addr())
	binary.NativeEndian.PutUint32(b[48:], nl.TCPDIAG_NOCOOKIE)
	binary.NativeEndian.PutUint32(b[52:], nl.TCPDIAG_NOCOOKIE)
	return b
}
