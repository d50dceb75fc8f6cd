package vipkube

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-logr/logr"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/routes"
	"github.com/meshstate/meshstate/routes/kernel"
)

// RouteConfig configures a RouteAnnouncer.
type RouteConfig struct {
	// Handle is a netlink handle bound to the network namespace the routes
	// go into (netlink.NewHandleAt).
	Handle *netlink.Handle
	// Namespace is that network namespace, for the route subscription.
	Namespace netns.NsHandle
	// Routes is the routes machine's config. Its Table and Protocol are
	// the ownership marker: only routes carrying both are ever replaced or
	// deleted, and a BGP daemon exports that table (as kube-vip's routing
	// table mode does). Its ServiceCIDRs and PodCIDRs keep a VIP that
	// overlaps them from being routed.
	Routes routes.Config
	// LinkIndex is the device the VIP routes point at (the interface the
	// traffic for the VIPs arrives on, or a loopback).
	LinkIndex int
	// Log receives the kernel adapter's refusals and failures.
	Log logr.Logger
}

// RouteAnnouncer is an Announcer and Committer that installs each VIP as
// a host route (/32 or /128) in an owned routing table, through a
// routes.Machine and its netlink adapter (routes/kernel). Announce and
// Withdraw only change the VIP set; each Commit hands the whole set to the
// kernel adapter as the desired state, which it reconciles in its own
// goroutine (Run), restoring an owned route someone deletes and retrying
// failed writes. Routes a previous run left behind are pruned once the
// first Commit, which follows the VIP adapter's sync, arrives; never
// before.
//
// The routes machine also adds, per address family in use, a rule that
// steers traffic to its table (routes.Config.RulePriority); a VIP the node
// holds locally is still delivered locally, since the kernel's local table
// is looked up first.
type RouteAnnouncer struct {
	adapter *kernel.Adapter
	link    int
	started atomic.Bool
	mu      sync.Mutex // guards vips and serialises sends on desired
	vips    map[netip.Addr]bool
	desired chan routes.Desired // holds the latest state not yet taken
}

// NewRouteAnnouncer validates cfg and returns an announcer; Run starts
// its kernel adapter.
func NewRouteAnnouncer(cfg RouteConfig) (*RouteAnnouncer, error) {
	if cfg.LinkIndex <= 0 {
		return nil, fmt.Errorf("vipkube: %w: LinkIndex %d", adapter.ErrInvalidConfig, cfg.LinkIndex)
	}
	a, err := kernel.New(cfg.Handle, cfg.Namespace, cfg.Routes)
	if err != nil {
		return nil, fmt.Errorf("vipkube: %w: %w", adapter.ErrInvalidConfig, err)
	}
	log := cfg.Log
	a.Logf = func(format string, args ...any) { log.Info(fmt.Sprintf(format, args...)) }
	return &RouteAnnouncer{adapter: a, link: cfg.LinkIndex, vips: map[netip.Addr]bool{},
		desired: make(chan routes.Desired, 1)}, nil
}

// Announce adds vip to the set the next Commit installs.
func (r *RouteAnnouncer) Announce(_ context.Context, vip netip.Addr, _ []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.vips[vip] = true
	return nil
}

// Withdraw removes vip from the set the next Commit installs.
func (r *RouteAnnouncer) Withdraw(_ context.Context, vip netip.Addr) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.vips, vip)
	return nil
}

// Commit hands the current set to the kernel adapter. It never blocks: a
// state the adapter has not taken yet is replaced by the newer one, since
// each is complete.
func (r *RouteAnnouncer) Commit(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.state()
	select {
	case r.desired <- d:
		return nil
	default:
	}
	select {
	case <-r.desired: // stale: drop it
	default:
	}
	r.desired <- d // cannot block: the mutex makes this the only sender
	return nil
}

// state is the desired routing state of the VIP set, by address.
func (r *RouteAnnouncer) state() routes.Desired {
	if len(r.vips) == 0 {
		return routes.Desired{}
	}
	rem := routes.Remote{Cluster: "vips", LinkIndex: r.link, Subnets: make([]netip.Prefix, 0, len(r.vips))}
	for vip := range r.vips {
		rem.Subnets = append(rem.Subnets, netip.PrefixFrom(vip, vip.BitLen()))
	}
	slices.SortFunc(rem.Subnets, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	return routes.Desired{Remotes: []routes.Remote{rem}}
}

// Run reconciles the routes until ctx is done and returns nil once the
// kernel adapter and its route subscription have stopped, or the error
// that stopped the adapter. It runs once: a second Run returns an error wrapping adapter.ErrStarted.
func (r *RouteAnnouncer) Run(ctx context.Context) error {
	if !r.started.CompareAndSwap(false, true) {
		return fmt.Errorf("vipkube: %w", adapter.ErrStarted)
	}
	err := r.adapter.Run(ctx, r.desired)
	if ctx.Err() != nil {
		return nil
	}
	return err
}
