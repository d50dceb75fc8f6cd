package vipkube

import (
	"context"
	"net/netip"
)

// Announcer applies the VIP machine's decisions: a BGP speaker, an ARP or
// NDP responder, a routing table (RouteAnnouncer). Both calls must be
// idempotent, since a failed call is retried and a restart repeats what
// was announced before. They are made from the adapter's loop goroutine,
// one at a time; a slow call delays the next decisions, so queue slow work.
//
// An error goes back to the machine as the call's outcome (Unknown unless
// it is an API status or a failure to connect), and the machine retries
// with backoff, with what it wants for that VIP by then.
type Announcer interface {
	// Announce starts announcing vip. services are the sorted
	// "namespace/name" keys of the Services that justify it; the slice is
	// the Announcer's to keep.
	Announce(ctx context.Context, vip netip.Addr, services []string) error
	// Withdraw stops announcing vip.
	Withdraw(ctx context.Context, vip netip.Addr) error
}

// Committer is implemented by an Announcer that applies its calls in
// batches, such as one routing-table update. Once both informers have
// synced, Commit is called after each batch of calls (the effects of the
// events the adapter took from its queue at once), and once right at sync
// even if the desired set is empty, so that the first Commit follows the
// whole initial set: before it, nothing may be pruned (incident 004's
// lesson, and incident 001's). Commit is never called before sync. A
// failed Commit is retried when the machine says (a Commit effect), so the
// Committer must keep the calls of a failed Commit for the next one (as
// RouteAnnouncer does: each Commit hands over its whole set).
type Committer interface {
	// Commit applies the calls made since the last Commit that succeeded.
	Commit(ctx context.Context) error
}
