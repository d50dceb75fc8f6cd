// Package discoverykube runs the discovery machines against the Kubernetes API: it
// feeds them what informers report, applies the effects they return, and
// reports the outcome of each write back through the informers.
//
// Two adapters, each with one loop goroutine that steps its machine:
//
//   - VIPAdapter: Service and EndpointSlice informers feed a
//     vip.Machine; its Advertise and Withdraw effects go to an
//     Announcer. RouteAnnouncer is one that installs each VIP as an owned
//     host route through the routes machine and its netlink adapter, for a
//     BGP daemon to export.
//   - ExportAdapter: ServiceExport, Service and ServiceImport informers feed
//     a mcs.Machine; its effects create, update and delete this
//     cluster's ServiceImports and set the exports' conditions.
//
// Each adapter runs on internal/loop: every informer pushes onto one
// queue, so the loop sees all sources in one order, and a relist arrives
// as one batch. A source's initial list is followed by a synced marker,
// which becomes the machine's Synced event: the machines decide nothing
// before every source has synced (field incidents 001 and 004), so neither
// does the adapter.
//
// The adapters decide nothing themselves, retries included (see the
// retry contract in package discovery). Each write's outcome goes back to
// the machine as a VIPApplied or ExportApplied event: Done; Conflict (409);
// Failed, classified with lookup.Classify, when the server refused it or
// it never left (no connection); Unknown when it may have reached the
// server but its answer was lost (a reset, an EOF, a timeout after
// sending, a timeout status). The machine answers with a RetryAfter
// carrying a key and a delay (by default 1 s doubling to 5 min, or every 5
// min after a Permanent failure such as Forbidden); the adapter arms one
// timer per key (internal/loop's Timers) and, when it fires, steps a
// RetryDue, on which the machine emits what it wants by then, or nothing.
// The adapter applies what the machine asks even where its cache agrees
// already: after an Unknown outcome that cache may predate the write, and
// a stale resourceVersion makes an update conflict rather than overwrite.
// A list or watch that fails is retried by client-go's reflector (0.8 s
// doubling, jittered, up to 30-60 s); the failure is classified, logged
// and kept in Status, and Run keeps running: a missing RBAC rule is
// reported, not turned into a crash loop.
//
// Each adapter can record every event it feeds its machine as JSON lines
// (Config.Trace); vip.UnmarshalEvent and UnmarshalExportEvent read
// them back, and a fresh machine replaying them returns the same effects.
//
// Imports: this cluster's ServiceImport for the export of namespace/name
// lives in that namespace, is named name.clusterID (a dot can never appear
// in a Service's name, so it never collides with the broker's aggregate
// import, which is named after the Service), and carries the labels
// multicluster.kubernetes.io/source-cluster (the cluster ID) and
// multicluster.kubernetes.io/service-name, and the annotation
// meshstate.io/export-created-at. Only imports whose source-cluster label is
// this cluster's ID are ever written or deleted; deletes carry a UID
// precondition, so an object recreated under the same name is never
// deleted by mistake.
//
// VIP addresses: a Service's VIPs are read, by vip.ServiceAddresses.VIPs,
// from the first of VIPConfig.AddressAnnotations present on it (by default
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
//     different namespaces (VIPConfig.Namespace).
//
// RBAC: config/rbac/discovery.yaml is the least both adapters need.
package discoverykube
