package kernel

import (
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/meshstate/meshstate/cni"
)

// DefaultResync is the period of the level-triggered full relist when
// Config.Resync is zero. A relist of a converged namespace is one dump and
// no effect; it repairs anything a lost notification hid.
const DefaultResync = 5 * time.Minute

// Config configures a Watcher (and Run).
type Config struct {
	// Handle is a netlink handle bound to NS; the watcher lists through it.
	Handle *netlink.Handle
	// NS is the namespace to watch; the watcher subscribes to its link and
	// address groups.
	NS netns.NsHandle
	// Machine configures the discovery machine.
	Machine cni.Config
	// Report receives every effect, in order, on Run's goroutine:
	// Discovered, Lost and Waiting to act on, RetryAfter for logs and
	// metrics (Run schedules it). It must not block for long: updates wait
	// meanwhile, and a long wait overflows the subscription (recovered by
	// a resubscription and a dump, but slower than keeping up).
	Report func(cni.Effect)
	// Resync is the period of a full relist whatever the subscription
	// says; 0 means DefaultResync, a negative value turns it off.
	Resync time.Duration

	// faults is the test seam (export_test.go); nil outside tests.
	faults *faults
}

// validate checks what the machine's config does not cover.
func (c *Config) validate() error {
	switch {
	case c.Handle == nil:
		return &cni.RejectedError{Field: "handle", Reason: "required", Err: cni.ErrInvalidConfig}
	case c.Report == nil:
		return &cni.RejectedError{Field: "report", Reason: "required", Err: cni.ErrInvalidConfig}
	}
	if c.Resync == 0 {
		c.Resync = DefaultResync
	}
	return nil
}
