package kernel

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meshstate/meshstate/cni"
)

// Watcher discovers the CNI interface of one namespace. Run drives it;
// Status and Links may be called from any goroutine meanwhile.
type Watcher struct {
	cfg   Config
	cidrs []string

	running atomic.Bool

	// mu guards the machine and the status: the loop holds it for one
	// step (O(1)), a query for its own copy.
	mu      sync.Mutex
	m       *cni.Machine
	st      Status
	waiting string // the reason of the last Waiting effect since a discovery
}

// New validates cfg and returns a watcher that has not listed anything yet.
// Errors wrap cni.ErrInvalidConfig.
func New(cfg Config) (*Watcher, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m, err := cni.New(cfg.Machine)
	if err != nil {
		return nil, err
	}
	cidrs := make([]string, len(cfg.Machine.PodCIDRs))
	for i, p := range cfg.Machine.PodCIDRs {
		cidrs[i] = p.String()
	}
	return &Watcher{cfg: cfg, cidrs: cidrs, m: m}, nil
}

// Run discovers the CNI interface until ctx ends, then returns ctx.Err().
// It returns earlier only for a configuration error (New's) or, on a
// Watcher, ErrRunning when called while another Run runs. Failures of the
// kernel (subscriptions ending or overflowing, dumps interrupted or
// failing) are recovered with backoff and show in the watcher's Status.
// Every goroutine Run starts has ended when it returns.
func Run(ctx context.Context, cfg Config) error {
	w, err := New(cfg)
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// Status returns what the watcher knows now.
func (w *Watcher) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.st
	s.Interface, s.Found = w.m.Current()
	s.Pending, s.Attempts = w.m.Pending(), w.m.Attempts()
	if !s.Pending {
		s.RetryAt = time.Time{}
	}
	s.explain(w.cidrs, w.waiting)
	return s
}

// Links returns the machine's view of the links, by index, with their
// addresses: a sorted copy built on demand, O(links log links), for
// diagnostics and tests; the loop itself never builds it.
func (w *Watcher) Links() []cni.Link {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.m.Links()
}
