package kernel

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// window is how many route requests are sent before their outcomes are
// read. Only failures are answered (no NLM_F_ACK but on a window's last
// request), so a window costs one send per route and one receive per
// failure plus one; its bound keeps the answers of a window of failures
// well within the socket's receive buffer.
const window = 256

// pipeBuffer is the receive buffer forced on the write socket: a window
// of failures (truncated by NETLINK_CAP_ACK to about 36 bytes each, but
// charged near a kilobyte each) must never overflow it.
const pipeBuffer = 1 << 20

// pipe writes routes on a socket of its own in the adapter's namespace,
// built in one reused buffer. It exists because netlink.Handle spends, per
// route, a getsockname, two deadline updates, a fresh request and a 64 KiB
// receive buffer on top of the send and receive the kernel needs; and
// because the kernel processes a request synchronously within sendmsg, so
// the answers of a window are all queued by the time its last send
// returns: no answer is needed for a route that succeeded.
//
// Each request is its own datagram, as ip -batch sends them. Packing
// many into one datagram saves only the syscall entries (about a
// microsecond each, against the kernel's insertion of a route) and moves
// everything else to one place: the kernel handles the whole datagram in
// one sendmsg, so every answer asked for (netlink.Handle asks on each) is
// queued before the first can be read, and a few hundred overflow a
// default receive buffer (ENOBUFS: outcomes lost); and the subscription
// gets the echo of every route in one burst, which overflows it and costs
// a full resync. That is the likely reason such an attempt measured
// worse; it was not re-measured here. Used only under the adapter's mu.
type pipe struct {
	s    *nl.NetlinkSocket
	fd   int
	seq  uint32
	req  []byte
	rbuf []byte
}

func openPipe(ns netns.NsHandle) (*pipe, error) {
	s, err := nl.GetNetlinkSocketAt(ns, netns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("routes/kernel: write socket: %w", err)
	}
	fd := s.GetFd()
	// A failure's answer need not echo the request: CAP_ACK keeps it at
	// the header, so a window of failures stays small.
	_ = unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_CAP_ACK, 1)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, pipeBuffer); err != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, pipeBuffer)
	}
	return &pipe{s: s, fd: fd, req: make([]byte, 0, 128), rbuf: make([]byte, 4096)}, nil
}

func (p *pipe) close() { p.s.Close() }

// routeReq says what to send for one route write.
type routeReq struct {
	del     bool
	replace bool // else an exclusive create
	r       routes.Route
}

// do sends reqs, window by window, and returns each one's error (nil for
// success) in errs. A window whose outcomes cannot be read (the socket
// failed) reports the socket's error for each request not yet answered:
// a transient failure, retried; a retried create that had succeeded
// meets our own route and is replaced.
func (p *pipe) do(reqs []routeReq, errs []error) {
	for start := 0; start < len(reqs); start += window {
		end := min(start+window, len(reqs))
		p.window(reqs[start:end], errs[start:end])
	}
}

func (p *pipe) window(reqs []routeReq, errs []error) {
	first := p.seq + 1
	last := -1 // index of the last request sent
	for i, q := range reqs {
		p.seq++
		p.build(q, p.seq, i == len(reqs)-1)
		errs[i] = nil
		if err := unix.Sendto(p.fd, p.req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			errs[i] = err
			continue
		}
		last = i
	}
	if last < 0 {
		return
	}
	// The window's last request asked for an answer, success or not; if
	// its send failed, the last one sent did not, so send nothing more
	// and read what is queued.
	lastSeq := first + uint32(last)
	acked := last == len(reqs)-1
	for {
		n, err := p.recv(acked)
		if err != nil {
			if !acked && err == unix.EAGAIN {
				return // all failures read
			}
			for i := 0; i <= last; i++ {
				if errs[i] == nil {
					errs[i] = fmt.Errorf("routes/kernel: outcome unknown: %w", err)
				}
			}
			return
		}
		seq, errno, ok := parseAnswer(p.rbuf[:n])
		if !ok || seq < first || seq > lastSeq {
			continue // not an answer of this window
		}
		if errno != 0 {
			errs[seq-first] = errno
		}
		if seq == lastSeq && acked {
			return
		}
	}
}

// recv reads one datagram. With wait unset it returns EAGAIN if nothing
// is queued; with wait set it waits up to the netlink library's socket
// timeout for the answer the last request asked for (it is queued before
// that send returns, so the wait is a safeguard only).
func (p *pipe) recv(wait bool) (int, error) {
	for {
		n, _, err := unix.Recvfrom(p.fd, p.rbuf, unix.MSG_DONTWAIT)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN && wait:
			fds := []unix.PollFd{{Fd: int32(p.fd), Events: unix.POLLIN}}
			k, perr := unix.Poll(fds, int(nl.SocketTimeoutTv.Sec*1000)+1)
			if perr == unix.EINTR {
				continue
			}
			if perr != nil {
				return 0, perr
			}
			if k == 0 {
				return 0, unix.ETIMEDOUT
			}
			continue
		case err != nil:
			return 0, err
		}
		return n, nil
	}
}

// parseAnswer reads an NLMSG_ERROR datagram: its sequence number and the
// error (0 for an acknowledgement).
func parseAnswer(b []byte) (uint32, syscall.Errno, bool) {
	if len(b) < unix.SizeofNlMsghdr+4 {
		return 0, 0, false
	}
	ne := binary.NativeEndian
	if ne.Uint16(b[4:6]) != unix.NLMSG_ERROR {
		return 0, 0, false
	}
	code := int32(ne.Uint32(b[unix.SizeofNlMsghdr:]))
	return ne.Uint32(b[8:12]), syscall.Errno(-code), true
}

// build writes the request for q into p.req, with the attributes
// netlink.Handle would send for toKernel(q.r).
func (p *pipe) build(q routeReq, seq uint32, ack bool) {
	r := q.r
	ne := binary.NativeEndian
	b := p.req[:0]
	typ, flags := uint16(unix.RTM_NEWROUTE), uint16(unix.NLM_F_REQUEST|unix.NLM_F_CREATE)
	switch {
	case q.del:
		typ, flags = unix.RTM_DELROUTE, unix.NLM_F_REQUEST
	case q.replace:
		flags |= unix.NLM_F_REPLACE
	default:
		flags |= unix.NLM_F_EXCL
	}
	if ack {
		flags |= unix.NLM_F_ACK
	}
	b = ne.AppendUint32(b, 0) // length, set below
	b = ne.AppendUint16(b, typ)
	b = ne.AppendUint16(b, flags)
	b = ne.AppendUint32(b, seq)
	b = ne.AppendUint32(b, 0) // port id: the kernel fills it in
	family := byte(unix.AF_INET)
	if r.Dst.Addr().Is6() {
		family = unix.AF_INET6
	}
	table := byte(unix.RT_TABLE_UNSPEC)
	if r.Table < 256 {
		table = byte(r.Table)
	}
	scope, rtype := byte(unix.RT_SCOPE_UNIVERSE), byte(unix.RTN_UNICAST)
	if !r.Gateway.IsValid() {
		scope = unix.RT_SCOPE_LINK
	}
	if q.del {
		rtype = unix.RTN_UNSPEC // as netlink's RouteDel: any type matches
	}
	b = append(b, family, byte(r.Dst.Bits()), 0, 0, table, r.Protocol, scope, rtype)
	b = ne.AppendUint32(b, 0) // rtm_flags
	b = appendAddr(b, unix.RTA_DST, r.Dst.Addr())
	if r.Gateway.IsValid() {
		b = appendAddr(b, unix.RTA_GATEWAY, r.Gateway)
	}
	if r.Src.IsValid() {
		b = appendAddr(b, unix.RTA_PREFSRC, r.Src)
	}
	if r.Table >= 256 {
		b = appendU32(b, unix.RTA_TABLE, r.Table)
	}
	if r.Metric > 0 {
		b = appendU32(b, unix.RTA_PRIORITY, r.Metric)
	}
	b = appendU32(b, unix.RTA_OIF, uint32(r.LinkIndex))
	ne.PutUint32(b[0:4], uint32(len(b)))
	p.req = b
}

// appendAddr appends an address attribute without allocating (As4 and
// As16 are arrays; AsSlice would allocate per route). 4 or 16 bytes keep
// the alignment.
func appendAddr(b []byte, typ uint16, a netip.Addr) []byte {
	ne := binary.NativeEndian
	if a.Is4() {
		v := a.As4()
		b = ne.AppendUint16(b, 8)
		b = ne.AppendUint16(b, typ)
		return append(b, v[:]...)
	}
	v := a.As16()
	b = ne.AppendUint16(b, 20)
	b = ne.AppendUint16(b, typ)
	return append(b, v[:]...)
}

func appendU32(b []byte, typ uint16, v uint32) []byte {
	ne := binary.NativeEndian
	b = ne.AppendUint16(b, 8)
	b = ne.AppendUint16(b, typ)
	return ne.AppendUint32(b, v)
}
