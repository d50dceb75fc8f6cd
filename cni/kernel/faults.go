package kernel

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/cni"
)

// faults is the test seam: it makes the handle fail in the ways a busy
// kernel fails, on demand, so that tests need not win a race against the
// kernel to reach the recovery paths. Only tests set it (export_test.go).
type faults struct {
	// interrupts is the number of coming dumps to fail with
	// netlink.ErrDumpInterrupted.
	interrupts atomic.Int64

	// tiny makes the subscriptions' buffers tiny, so that a burst
	// overflows them for real (ENOBUFS from the kernel).
	tiny atomic.Bool

	mu  sync.Mutex
	sub *subscription // the current subscription, nil between two
}

// buffers returns the update channels' capacity and the socket receive
// buffer to ask for.
func (f *faults) buffers() (chanCap, rcvbuf int) {
	if f != nil && f.tiny.Load() {
		return 8, 4096
	}
	return updateBuffer, receiveBuffer
}

// list is snapshot, unless an interruption is due.
func (f *faults) list(h *netlink.Handle) ([]cni.Link, error) {
	if f != nil {
		for n := f.interrupts.Load(); n > 0; n = f.interrupts.Load() {
			if f.interrupts.CompareAndSwap(n, n-1) {
				return nil, netlink.ErrDumpInterrupted
			}
		}
	}
	return snapshot(h)
}

// opened records the current subscription (nil when it is closed).
func (f *faults) opened(s *subscription) {
	if f == nil {
		return
	}
	f.mu.Lock()
	f.sub = s
	f.mu.Unlock()
}

// end closes the current subscription's sockets, as when the kernel ends
// it: its channels close. It reports whether one was open.
func (f *faults) end() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sub == nil {
		return false
	}
	f.sub.stop()
	return true
}

// overflow reports ENOBUFS through the current subscription's error
// callback, as netlink's receiver does when the socket overflowed. It
// reports whether one was open.
func (f *faults) overflow() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sub == nil {
		return false
	}
	f.sub.report(fmt.Errorf("receive failed: %w", unix.ENOBUFS))
	return true
}
