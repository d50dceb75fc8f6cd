package kernel

import (
	"bytes"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// watchBuffer is the receive buffer asked of the kernel for the
// subscription: a burst of our own writes echoes one message each, and a
// larger buffer makes an overflow (and the resync it costs) rarer.
const watchBuffer = 8 << 20

// watch is one netlink subscription, in the adapter's namespace, to the
// groups whose changes can make the kernel differ from the machine's
// picture: routes, links and addresses (a device or gateway appearing),
// and rules. One reader goroutine parses each datagram into a batch.
type watch struct {
	// f is the subscription's socket, read through the runtime's poller
	// into buf, one buffer for the watch's life: netlink's Receive
	// allocates 64 KiB per datagram, and a flush of 10,000 routes sends
	// 10,000 datagrams (20,000 with the echoes of the repair).
	f    *os.File
	buf  []byte
	out  chan []change
	stop chan struct{}
	// dead is set as soon as the reader fails (an overflow, ENOBUFS, or
	// the socket's end): batches still buffered are then dropped, since
	// the full dump that follows supersedes them.
	dead atomic.Bool
	err  error // why the reader ended; read after out is closed
}

// changeKind says what a change is about.
type changeKind uint8

const (
	changeRoute changeKind = iota + 1
	changeLink
	changeAddr
	changeRule
)

// change is one parsed notification.
type change struct {
	kind    changeKind
	deleted bool
	route   kernelRoute // for changeRoute
	link    int         // for changeLink
	name    string      // for changeLink: the device's name
	rule    routes.Rule // for changeRule
}

// openWatch subscribes in ns with a receive buffer of buf bytes.
func openWatch(ns netns.NsHandle, buf int) (*watch, error) {
	s, err := nl.SubscribeAt(ns, netns.None(), unix.NETLINK_ROUTE,
		unix.RTNLGRP_IPV4_ROUTE, unix.RTNLGRP_IPV6_ROUTE, unix.RTNLGRP_LINK,
		unix.RTNLGRP_IPV4_IFADDR, unix.RTNLGRP_IPV6_IFADDR, unix.RTNLGRP_IPV4_RULE, unix.RTNLGRP_IPV6_RULE)
	if err != nil {
		return nil, fmt.Errorf("routes/kernel: subscribe: %w", err)
	}
	// Forcing needs CAP_NET_ADMIN, which the adapter has; without it the
	// default buffer is kept and overflows are resynced.
	if err := s.SetReceiveBufferSize(buf, true); err != nil {
		_ = s.SetReceiveBufferSize(buf, false)
	}
	// A duplicate of the (non-blocking) socket, as an *os.File of ours,
	// so that the reader can recv into its own buffer; the library's
	// file is closed at once, the socket lives on in ours.
	fd, err := unix.FcntlInt(uintptr(s.GetFd()), unix.F_DUPFD_CLOEXEC, 0)
	s.Close()
	if err != nil {
		return nil, fmt.Errorf("routes/kernel: subscribe: %w", err)
	}
	w := &watch{f: os.NewFile(uintptr(fd), "netlink-subscription"), buf: make([]byte, nl.RECEIVE_BUFFER_SIZE),
		out: make(chan []change, 256), stop: make(chan struct{})}
	go w.read()
	return w, nil
}

// maxBatch bounds the changes gathered into one batch: a burst (a flush
// of the table, and the echoes of its repair) is handed over in batches
// whose writes go out as one pipelined run, yet Run still gets to its
// other inputs between them.
const maxBatch = 1024

// recv reads one datagram into w.buf and says whether the kernel sent
// it. With wait it waits in the poller; without, it returns EAGAIN if
// nothing is queued.
func (w *watch) recv(rc syscall.RawConn, wait bool) (int, bool, error) {
	var (
		n    int
		from unix.Sockaddr
		rerr error
	)
	flags := 0
	if !wait {
		flags = unix.MSG_DONTWAIT
	}
	err := rc.Read(func(fd uintptr) bool {
		for {
			n, from, rerr = unix.Recvfrom(int(fd), w.buf, flags)
			if rerr != unix.EINTR {
				return !wait || rerr != unix.EAGAIN // EAGAIN: wait in the poller
			}
		}
	})
	if err == nil {
		err = rerr
	}
	sa, ok := from.(*unix.SockaddrNetlink)
	return n, ok && sa.Pid == nl.PidKernel, err
}

// read hands the notifications over in batches: it waits for one
// datagram, then takes whatever else is already queued, up to maxBatch.
func (w *watch) read() {
	defer close(w.out)
	rc, err := w.f.SyscallConn()
	var batch []change
	for err == nil {
		n, kernel, rerr := w.recv(rc, len(batch) == 0)
		switch {
		case rerr == unix.EAGAIN && len(batch) > 0:
			// Nothing more queued: hand over what was gathered.
		case rerr != nil:
			err = rerr
			continue
		case kernel:
			if msgs, perr := syscall.ParseNetlinkMessage(w.buf[:n]); perr == nil {
				batch = appendChanges(batch, msgs)
			} // else a truncated datagram: the next resync covers it
			if len(batch) < maxBatch {
				continue
			}
		default:
			continue
		}
		select {
		case w.out <- batch:
			batch = nil
		case <-w.stop:
			return
		}
	}
	w.err = err
	w.dead.Store(true)
}

// close ends the subscription and waits for its reader.
func (w *watch) close() {
	close(w.stop)
	_ = w.f.Close()
	for range w.out {
	}
}

// appendChanges appends the changes msgs report to out.
func appendChanges(out []change, msgs []syscall.NetlinkMessage) []change {
	for _, m := range msgs {
		switch m.Header.Type {
		case unix.RTM_NEWROUTE, unix.RTM_DELROUTE:
			if r, ok := parseRoute(m.Data); ok {
				out = append(out, change{kind: changeRoute, route: r, deleted: m.Header.Type == unix.RTM_DELROUTE})
			}
		case unix.RTM_NEWLINK, unix.RTM_DELLINK:
			if len(m.Data) >= unix.SizeofIfInfomsg {
				out = append(out, change{kind: changeLink, link: int(nl.DeserializeIfInfomsg(m.Data).Index),
					name: linkName(m.Data[unix.SizeofIfInfomsg:]), deleted: m.Header.Type == unix.RTM_DELLINK})
			}
		case unix.RTM_NEWADDR, unix.RTM_DELADDR:
			out = append(out, change{kind: changeAddr, deleted: m.Header.Type == unix.RTM_DELADDR})
		case unix.RTM_NEWRULE, unix.RTM_DELRULE:
			if r, ok := parseRule(m.Data); ok {
				out = append(out, change{kind: changeRule, rule: r, deleted: m.Header.Type == unix.RTM_DELRULE})
			}
		}
	}
	return out
}

// linkName reads IFLA_IFNAME from a link message's attributes.
func linkName(b []byte) string {
	attrs, err := nl.ParseRouteAttr(b)
	if err != nil {
		return ""
	}
	for _, a := range attrs {
		if a.Attr.Type == unix.IFLA_IFNAME {
			return string(bytes.TrimRight(a.Value, "\x00"))
		}
	}
	return ""
}
