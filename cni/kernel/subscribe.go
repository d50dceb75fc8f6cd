package kernel

import (
	"fmt"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

const (
	// updateBuffer is the capacity of each update channel. The loop costs
	// O(1) per update, so a deep channel lets it absorb a burst the socket
	// buffer alone would not hold.
	updateBuffer = 1024
	// receiveBuffer is the socket receive buffer asked for (SO_RCVBUF,
	// which the kernel caps at net.core.rmem_max without failing; the
	// forced variant would need CAP_NET_ADMIN and, failing, leaks the
	// socket in netlink v1.3.1).
	receiveBuffer = 1 << 20
)

// subscription holds the link and address subscriptions of a namespace.
type subscription struct {
	links chan netlink.LinkUpdate
	addrs chan netlink.AddrUpdate
	// errs carries the first error the receivers report (an overflow
	// shows as "Receive failed: no buffer space available").
	errs chan error
	done chan struct{}
	once sync.Once
}

// subscribe subscribes to ns's link and address groups. ListExisting is
// off: its dump arrives as plain updates without an end marker, so it
// cannot serve as a complete snapshot; the watcher lists through the
// handle instead, after subscribing.
func subscribe(ns netns.NsHandle, chanCap, rcvbuf int) (*subscription, error) {
	s := &subscription{
		links: make(chan netlink.LinkUpdate, chanCap),
		addrs: make(chan netlink.AddrUpdate, chanCap),
		errs:  make(chan error, 1),
		done:  make(chan struct{}),
	}
	if err := netlink.LinkSubscribeWithOptions(s.links, s.done, netlink.LinkSubscribeOptions{
		Namespace: &ns, ErrorCallback: s.report, ReceiveBufferSize: rcvbuf,
	}); err != nil {
		s.stop()
		return nil, fmt.Errorf("cni/kernel: subscribe to links: %w", err)
	}
	if err := netlink.AddrSubscribeWithOptions(s.addrs, s.done, netlink.AddrSubscribeOptions{
		Namespace: &ns, ErrorCallback: s.report, ReceiveBufferSize: rcvbuf,
	}); err != nil {
		s.stop()
		drain(s.links)
		return nil, fmt.Errorf("cni/kernel: subscribe to addresses: %w", err)
	}
	return s, nil
}

// report keeps the first error: one is enough to condemn the subscription.
func (s *subscription) report(err error) {
	select {
	case s.errs <- err:
	default:
	}
}

// stop closes both sockets; the receivers then fail and close their
// channels. Safe to call more than once (the fault seam calls it too).
func (s *subscription) stop() { s.once.Do(func() { close(s.done) }) }

// close ends both subscriptions and waits for their goroutines, dropping
// whatever they had buffered: after a resubscription a dump supersedes it,
// and replaying it over the dump would only repeat stale states.
func (s *subscription) close() {
	s.stop()
	drain(s.links)
	drain(s.addrs)
}

func drain[T any](ch <-chan T) {
	for range ch {
	}
}
