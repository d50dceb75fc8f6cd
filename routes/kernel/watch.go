package kernel

import (
	"fmt"
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
	s    *nl.NetlinkSocket
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
	w := &watch{s: s, out: make(chan []change, 256), stop: make(chan struct{})}
	go w.read()
	return w, nil
}

func (w *watch) read() {
	defer close(w.out)
	for {
		msgs, from, err := w.s.Receive()
		if err != nil {
			w.err = err
			w.dead.Store(true)
			return
		}
		if from.Pid != nl.PidKernel {
			continue
		}
		batch := parseChanges(msgs)
		if len(batch) == 0 {
			continue
		}
		select {
		case w.out <- batch:
		case <-w.stop:
			return
		}
	}
}

// close ends the subscription and waits for its reader.
func (w *watch) close() {
	close(w.stop)
	w.s.Close()
	for range w.out {
	}
}

func parseChanges(msgs []syscall.NetlinkMessage) []change {
	out := make([]change, 0, len(msgs))
	for _, m := range msgs {
		switch m.Header.Type {
		case unix.RTM_NEWROUTE, unix.RTM_DELROUTE:
			if r, ok := parseRoute(m.Data); ok {
				out = append(out, change{kind: changeRoute, route: r, deleted: m.Header.Type == unix.RTM_DELROUTE})
			}
		case unix.RTM_NEWLINK, unix.RTM_DELLINK:
			if len(m.Data) >= unix.SizeofIfInfomsg {
				out = append(out, change{kind: changeLink, link: int(nl.DeserializeIfInfomsg(m.Data).Index),
					deleted: m.Header.Type == unix.RTM_DELLINK})
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
