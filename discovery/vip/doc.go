// Package vip decides, without I/O, which VIPs a load-balancer announcer
// advertises on this node, from the Services and EndpointSlices an
// adapter's informers report.
//
// Field incident 004: a VIP announcer started its endpoint watcher before
// its service watcher; EndpointSlices that arrived before their Service were
// dropped, and their routes were advertised about 30 minutes later, on the
// next full re-watch. The VIP machine keeps each source's state on its own,
// slices per service whether or not the service is known yet, and joins them
// at decision time: the result does not depend on the order events arrive
// in, nothing is advertised or withdrawn before both sources have synced,
// and at that moment the whole desired set is emitted at once.
//
// # Outcomes and retries
//
// The machine decides its own retries, by the contract package discovery
// describes: every Advertise, Withdraw and Commit the adapter makes is
// reported back as an Applied event (Done, Conflict, Failed or Unknown);
// anything but Done is answered with a RetryAfter effect carrying a key
// (the VIP, or none for a Commit), a RetryKind and a delay, never the data
// to write; the adapter keeps one timer per key and kind and steps a
// RetryDue when it fires, and the machine then emits what it wants for
// that key now, or nothing if the retry was superseded.
//
// An Announcer has no informer to show its state, so an Unknown Advertise
// or Withdraw is retried on the fast schedule, with what the machine wants
// by then; both are idempotent. An announcer that re-applies its own
// failed call (a payload retry, as meshstate's adapter did before issue 12)
// announces the Services the call carried, and can re-advertise a VIP
// whose Service has gone since; here the retry asks the machine, which
// announces the Services that qualify then, or withdraws the VIP.
//
// The machine is a plain value: events in, effects out, no goroutines,
// clock or I/O. Its test kit is package viptest; its Kubernetes adapter is
// github.com/meshstate/meshstate/kube/vipkube.
package vip
