// Package kernel runs a cni.Machine against the kernel of one network
// namespace: it lists links and addresses through a netlink handle bound to
// the namespace, subscribes to their changes there (an interface that
// appears is discovered on its own event, not at the next retry), schedules
// the machine's retries as relists, and reports the effects to the caller.
package kernel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/cni"
)

// maxDumpRetries bounds the relists of one snapshot when the kernel says a
// dump was interrupted by a concurrent change.
const maxDumpRetries = 10

// Config configures Run.
type Config struct {
	// Handle is a netlink handle bound to NS; Run lists through it.
	Handle *netlink.Handle
	// NS is the namespace to watch; Run subscribes to its link and address
	// groups.
	NS netns.NsHandle
	// Machine configures the discovery machine.
	Machine cni.Config
	// Report receives every effect, in order, on Run's goroutine:
	// Discovered, Lost and Waiting to act on, RetryAfter for logs and
	// metrics (Run schedules it). It must not block for long.
	Report func(cni.Effect)
}

// ErrSubscriptionEnded is returned by Run when the kernel closes a
// subscription it did not ask to end; the caller restarts Run.
var ErrSubscriptionEnded = errors.New("netlink subscription ended")

// Run discovers the CNI interface until ctx ends, then returns ctx.Err().
// It returns earlier only on a configuration error, a failed listing or a
// subscription the kernel closed. Every goroutine it starts has ended when
// it returns.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Handle == nil || cfg.Report == nil {
		return fmt.Errorf("cni/kernel: Handle and Report are required")
	}
	m, err := cni.New(cfg.Machine)
	if err != nil {
		return err
	}
	s, err := subscribe(cfg.NS)
	if err != nil {
		return err
	}
	defer s.close()
	r := runner{cfg: cfg, m: m, timer: time.NewTimer(time.Hour)}
	r.timer.Stop()
	defer r.timer.Stop()
	// Subscribed first, listed second: a change between the two is both in
	// the snapshot and in an update, never in neither.
	if err := r.relist(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case u, ok := <-s.links:
			if !ok {
				return fmt.Errorf("cni/kernel: links: %w", ErrSubscriptionEnded)
			}
			r.step(linkEvent(u))
		case u, ok := <-s.addrs:
			if !ok {
				return fmt.Errorf("cni/kernel: addresses: %w", ErrSubscriptionEnded)
			}
			if ev, ok := addrEvent(u); ok {
				r.step(ev)
			}
		case <-s.errs:
			// Messages may have been lost (ENOBUFS): a relist recovers them.
			err = r.relist()
		case <-r.timer.C:
			err = r.relist()
		}
		if err != nil {
			return err
		}
	}
}

type runner struct {
	cfg   Config
	m     *cni.Machine
	timer *time.Timer
	buf   []cni.Effect
}

// step feeds ev to the machine and acts on the effects. The kernel only
// sends valid names and positive indexes, so a rejection cannot happen;
// were it to, the event is dropped and the next relist resyncs.
func (r *runner) step(ev cni.Event) {
	effects, err := r.m.AppendStep(r.buf[:0], ev)
	if err != nil {
		return
	}
	r.buf = effects
	for _, e := range effects {
		if e.Kind == cni.RetryAfter {
			r.timer.Reset(e.Delay)
		}
		r.cfg.Report(e)
	}
}

// relist feeds a complete snapshot of links and addresses.
func (r *runner) relist() error {
	for range maxDumpRetries {
		links, err := snapshot(r.cfg.Handle)
		if errors.Is(err, netlink.ErrDumpInterrupted) {
			continue // a partial dump is never a snapshot: dump again
		}
		if err != nil {
			return fmt.Errorf("cni/kernel: list: %w", err)
		}
		r.step(cni.Snapshot{Links: links, At: time.Now()})
		return nil
	}
	return fmt.Errorf("cni/kernel: list: %w %d times", netlink.ErrDumpInterrupted, maxDumpRetries)
}

func snapshot(h *netlink.Handle) ([]cni.Link, error) {
	links, err := h.LinkList()
	if err != nil {
		return nil, err
	}
	addrs, err := h.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nil, err
	}
	byIndex := map[int][]netip.Prefix{}
	for _, a := range addrs {
		if p, ok := prefix(a.IPNet); ok {
			byIndex[a.LinkIndex] = append(byIndex[a.LinkIndex], p)
		}
	}
	out := make([]cni.Link, 0, len(links))
	for _, l := range links {
		a := l.Attrs()
		out = append(out, cni.Link{Index: a.Index, Name: a.Name, Up: a.Flags&net.FlagUp != 0, Addrs: byIndex[a.Index]})
	}
	return out, nil
}

func linkEvent(u netlink.LinkUpdate) cni.Event {
	a := u.Attrs()
	if u.Header.Type == unix.RTM_DELLINK {
		return cni.LinkRemoved{Index: a.Index, At: time.Now()}
	}
	return cni.LinkChanged{Link: cni.Link{Index: a.Index, Name: a.Name, Up: a.Flags&net.FlagUp != 0}, At: time.Now()}
}

func addrEvent(u netlink.AddrUpdate) (cni.Event, bool) {
	p, ok := prefix(&u.LinkAddress)
	if !ok {
		return nil, false
	}
	if u.NewAddr {
		return cni.AddrAdded{Index: u.LinkIndex, Address: p, At: time.Now()}, true
	}
	return cni.AddrRemoved{Index: u.LinkIndex, Address: p, At: time.Now()}, true
}

// prefix converts a netlink address; IPv4 may come 16 bytes long.
func prefix(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, bits := n.Mask.Size()
	a = a.Unmap()
	if bits == 128 && a.Is4() {
		ones -= 96
	}
	return netip.PrefixFrom(a, ones), bits != 0
}
