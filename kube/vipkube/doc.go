// Package vipkube runs the VIP machine (package
// github.com/meshstate/meshstate/discovery/vip) against the Kubernetes
// API: an Adapter feeds it what the Service and EndpointSlice informers
// report, and hands its Advertise and Withdraw effects to an Announcer
// (a BGP speaker, an ARP or NDP responder, a routing table), which decides
// nothing. RouteAnnouncer is one Announcer: it installs each VIP as an
// owned host route through the routes machine and its netlink adapter, for
// a BGP daemon to export. Its sibling mcskube runs the export machine.
//
// The Adapter runs on internal/loop with one goroutine that steps the
// machine: both informers push onto one queue, so the loop sees all
// sources in one order, and a relist arrives as one batch. A source's
// initial list is followed by a synced marker, which becomes the machine's
// ServicesSynced or SlicesSynced event: the machine decides nothing before
// both informers have synced (field incident 004: slices that arrive
// before their Service are kept), so neither does the adapter, and the
// first Commit carries the whole desired set.
//
// The adapter decides nothing itself, retries included (see the retry
// contract in package discovery). Each call's outcome goes back to the
// machine as a vip.Applied event: Done; Failed, classified with
// lookup.Classify, when an API status or a failure to connect says so;
// Unknown otherwise, since the call may have taken effect. The machine
// answers with a RetryAfter carrying a key and a delay (by default 1 s
// doubling to 5 min, or every 5 min after a Permanent failure); the
// adapter arms one timer per key and, when it fires, steps a RetryDue, on
// which the machine emits what it wants by then, or nothing. A list or
// watch that fails is retried by client-go's reflector (0.8 s doubling,
// jittered, up to 30-60 s); the failure is classified, logged once (a
// retry that fails the same way is logged at V(1) only, the recovery at
// default verbosity) and kept in Status (an adapter.Status, its failures
// *adapter.WatchError and *adapter.WriteError), and Run keeps running: a
// missing RBAC rule is reported, not turned into a crash loop. The
// adapter logs its lifecycle at default verbosity (start, caches synced,
// stop), and Collector exports its progress and failures.
//
// The adapter can record every event it feeds its machine as JSON lines
// (Config.Trace); vip.UnmarshalEvent reads them back, and a fresh machine
// replaying them returns the same effects.
//
// VIP addresses: a Service's VIPs are read, by vip.ServiceAddresses.VIPs,
// from the first of Config.AddressAnnotations present on it (by default
// kube-vip's kube-vip.io/loadbalancerIPs, comma-separated, dual-stack
// allowed), else from status.loadBalancer.ingress, with a valid
// spec.loadBalancerIP standing for its own family, else from
// spec.loadBalancerIP: kube-vip's order (FetchServiceAddresses; kube-vip
// PRs 528 and 687, issue 534). Under externalTrafficPolicy Local an
// endpoint is this node's by its nodeName, or, only when it has none, by
// its hostname (kube-vip's GetLocalEndpoints, as fixed by kube-vip PR
// 1714). Where meshstate differs from kube-vip on purpose:
//
//   - An annotation with no usable address (empty, kube-vip's DHCP
//     placeholder 0.0.0.0, or only malformed entries) defers to status and
//     spec; kube-vip announces nothing. meshstate runs no DHCP client, and
//     the address a DHCP lease or another allocator produced shows in the
//     status, so announcing it serves the user.
//   - Malformed entries are skipped and logged, and the Service's other
//     addresses still count; kube-vip passes a name it cannot parse on as a
//     DNS name to resolve, which a decision without I/O cannot do.
//   - spec.loadBalancerIP replaces only the status addresses of its own
//     family; kube-vip then drops the other family too, which loses a
//     dual-stack Service's second VIP.
//   - The kube-vip.io/ignore annotation is not honoured: it tells kube-vip
//     to leave a Service to another implementation, and meshstate may be
//     that implementation. Where both run side by side, give them
//     different namespaces (Config.Namespace).
//
// RBAC: kube/config/rbac/discovery.yaml (config.RBAC) is the least the
// discovery adapters need; this one only lists and watches Services and
// EndpointSlices.
package vipkube
