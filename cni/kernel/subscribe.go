package kernel

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// subscription holds the link and address subscriptions of a namespace.
type subscription struct {
	links chan netlink.LinkUpdate
	addrs chan netlink.AddrUpdate
	errs  chan error
	done  chan struct{}
}

// subscribe subscribes to ns's link and address groups. ListExisting is
// off: its dump arrives as plain updates without an end marker, so it
// cannot serve as a complete snapshot; Run lists through the handle
// instead, after subscribing.
func subscribe(ns netns.NsHandle) (*subscription, error) {
	s := &subscription{
		links: make(chan netlink.LinkUpdate, 64),
		addrs: make(chan netlink.AddrUpdate, 64),
		errs:  make(chan error, 1),
		done:  make(chan struct{}),
	}
	onErr := func(err error) {
		select {
		case s.errs <- err:
		default: // a relist is already due
		}
	}
	if err := netlink.LinkSubscribeWithOptions(s.links, s.done,
		netlink.LinkSubscribeOptions{Namespace: &ns, ErrorCallback: onErr}); err != nil {
		close(s.done)
		return nil, fmt.Errorf("cni/kernel: subscribe to links: %w", err)
	}
	if err := netlink.AddrSubscribeWithOptions(s.addrs, s.done,
		netlink.AddrSubscribeOptions{Namespace: &ns, ErrorCallback: onErr}); err != nil {
		close(s.done)
		drain(s.links)
		return nil, fmt.Errorf("cni/kernel: subscribe to addresses: %w", err)
	}
	return s, nil
}

// close ends both subscriptions and waits for their goroutines: closing
// done closes the sockets, each receiver then fails, closes its channel
// and returns; draining keeps a receiver from blocking on a full channel.
func (s *subscription) close() {
	close(s.done)
	drain(s.links)
	drain(s.addrs)
}

func drain[T any](ch <-chan T) {
	for range ch {
	}
}
