// Package vipbgp announces load-balancer VIPs to upstream routers over
// BGP, from a GoBGP speaker (github.com/osrg/gobgp/v3) it runs in-process.
// Its Announcer is the BGP half of the VIP adapter (kube/vipkube): it
// implements vipkube.Announcer and vipkube.Committer, so the adapter's
// decisions, joined from Services and EndpointSlices whatever order they
// arrive in, become host routes (/32, /128) on the routers.
//
// This module is separate from github.com/meshstate/meshstate/kube so
// that GoBGP's gRPC and protobuf dependencies stay out of the others.
//
// # The sync gate (incident 004)
//
// kube-vip advertised its BGP routes about 30 minutes late: announcements
// were gated on the wrong cache sync, so endpoints that arrived before
// their Service were dropped until the next full re-watch. Here the VIP
// machine decides what to announce from both sources, and the adapter
// calls Commit once both informers have synced. The Announcer makes that
// Commit the gate of the wire: Run starts the speaker and puts every
// announced VIP into its table, but the peers are added to the speaker
// only at the first Commit. So before it, no session exists and no peer
// hears anything, not even a partial set; the first UPDATEs of each
// session carry the complete synced set, followed by End-of-RIB. After the
// first Commit, each Announce and Withdraw goes out at once. Announce,
// Withdraw and Commit may be called before Run: the set is remembered and
// loaded when the speaker starts.
//
// # Graceful restart (RFC 4724)
//
// With GracefulRestart.Enabled, every session advertises the graceful
// restart capability, with a tuple for ipv4-unicast and ipv6-unicast and
// the configured restart time. A peer that is a GR helper then keeps the
// announcer's routes, marked stale, while the announcer is gone (a crash,
// a node drain, a rolling update), and when the new announcer's session
// sends its End-of-RIB (which, thanks to the gate, follows the complete
// set), the helper drops exactly the stale routes that were not announced
// again: one withdrawal per VIP that is really gone, none for the others.
//
// It is off by default, the zero value, as in GoBGP: a helper keeps
// forwarding to an announcer that died for good until the restart time
// runs out, which only a user who runs the announcer as a restartable
// workload should opt into.
//
// Each session's OPEN sets the Restart State bit and, per family, the
// Forwarding State bit: forwarding to a VIP is the node's (kube-proxy's,
// the kernel's), and survives the announcer's restart, so a helper that
// follows RFC 4724 4.2 to the letter keeps the stale routes through the
// reconnection instead of flushing them when the session comes back. In
// GoBGP that bit comes with its "restarting" mode, which holds the first
// updates of a session back until the peer's End-of-RIB; the Announcer
// bounds that wait with a selection deferral of one second (GoBGP's
// default is 360 s), so that a peer that never sends End-of-RIB delays
// nothing by more than that, and a peer that is down delays nothing.
//
// # Stopping: a planned restart keeps the routes
//
// GoBGP's StopBgp ends each session with a Cease NOTIFICATION (Peer
// De-configured). A peer without RFC 8538 support drops the routes at
// once on any NOTIFICATION; a peer with it (the N bit, GoBGP's
// NotificationEnabled) would keep them, but GoBGP turns that very subcode
// into a Hard Reset when the N bit is negotiated (bgp.ShouldHardReset),
// which tells the helper to drop them too. So neither way keeps the routes
// through a SIGTERM and a rolling update. Instead, when GracefulRestart is
// enabled and Run's context ends, the Announcer resets each established
// session's TCP connection through the kernel (SOCK_DESTROY, as `ss -K`
// does), without a NOTIFICATION, exactly as if the process had been
// killed: the helper keeps the routes as stale, and the next announcer's
// End-of-RIB settles them. Only then does it stop the speaker. The N bit
// is not advertised. Only this process's own sockets to the configured
// peers are reset (matched by inode against /proc/self/fd). This needs
// CAP_NET_ADMIN (which an announcer has) and a kernel built with
// CONFIG_INET_DIAG_DESTROY (the distributions' kernels are); a session
// that cannot be reset is logged and gets the Cease. Without graceful
// restart, stopping sends the Cease, and the peers withdraw the routes at
// once, which is then the right thing.
//
// # Goroutines
//
// GoBGP v3's serve loop never returns by itself; Run ends it after
// StopBgp with GoBGP's own hooks (see internal/loop), so that a Run that
// returned leaves no goroutine behind. For the same reason, a Run with
// graceful restart that stops within two seconds of a session coming up
// first waits for GoBGP's deferral timer to fire. GoBGP keeps
// route-selection options in package variables, so one process should
// run one speaker.
package vipbgp
