// Package kernel is the netlink adapter of package routes: it dumps the
// owned routes and rules of one network namespace, always through a
// *netlink.Handle bound to it, feeds them and the kernel's notifications
// to a routes.Machine, applies the operations it returns and reports
// their classified outcomes back, and schedules its retries.
//
// What the kernel tells and what it does not, on the kernels this was
// tested on, and what the adapter does about each:
//
//   - A route deleted or added by someone else: RTM_DELROUTE or
//     RTM_NEWROUTE. Fed to the machine, one at a time (O(1) each).
//   - A route of ours replaced by another protocol (`ip route replace ...
//     proto static`): only an RTM_NEWROUTE of the foreign route. The
//     adapter reads it as the loss of ours, records the key as foreign
//     (never written over) and retries ours as soon as the foreign
//     route's RTM_DELROUTE arrives.
//   - A link set down: RTM_NEWLINK, and RTM_DELROUTE for the IPv6 routes
//     through it, but nothing for the IPv4 routes the kernel drops. A
//     change of a link our routes use therefore triggers a full resync.
//   - A rule added or deleted: RTM_NEWRULE or RTM_DELRULE, on the rule
//     groups the adapter subscribes to; a change of a rule of our table
//     that the machine does not already hold triggers a resync.
//   - A subscription that cannot keep up: its socket overflows and recv
//     fails with ENOBUFS; what was lost is not said. The adapter drops
//     what that subscription still buffered, subscribes again (with
//     backoff) and resyncs from a full dump.
//   - A dump that raced a change: NLM_F_DUMP_INTR (netlink's
//     ErrDumpInterrupted). It is reported to the machine as incomplete,
//     which never prunes from it; the adapter dumps again, and after a
//     run of interrupted dumps waits with backoff before the next.
//
// Besides, Run resyncs every ResyncInterval (a minute by default): a
// converged resync is one dump and no write.
//
// Writes never list the table: a new route is one exclusive create
// (NLM_F_EXCL), a route known to be ours one targeted replace, and a key
// known to hold a foreign route is refused without a syscall. Ownership
// is decided on the exact key (table, destination, metric) and protocol:
// netlink v1.3.1's filtered listing ignores RT_FILTER_PRIORITY, so a
// foreign route at another metric never blocks ours.
//
// Route writes go out on a socket of the adapter's own, one datagram per
// route as ip -batch sends them, built in one reused buffer. The kernel
// handles a request within the sendmsg that carries it, so by the time a
// send returns its answer is queued: the adapter asks for an answer
// (NLM_F_ACK) only on the last request of each window of 256 and reads
// the failures, which the kernel always answers, by sequence number. A
// window costs one send per route and one receive per failure plus one,
// where netlink.Handle spends a send, a receive, a getsockname, two
// deadline updates and a 64 KiB buffer per route. Notifications are read
// into one buffer and handed to Run in batches of what is already
// queued, whose writes go out as one such run: a flush of the table by
// someone else is repaired in runs, not one request and answer per
// route.
//
// A device that a remote names (routes.Remote.Device) and that is deleted
// and created again comes back at another index: its RTM_NEWLINK, or the
// lookup by name before each full resync, is fed to the machine as a
// routes.LinkUpdate, and the machine moves the remote's routes to the new
// index.
package kernel
