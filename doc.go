// Package meshstate is a set of side-effect-free state machines for the
// control planes of Kubernetes multi-cluster networking: the decisions inside
// a gateway's endpoint tracking, a global-IP allocator, a service-discovery
// agent, a route agent, a CNI interface probe, a health checker and a VIP
// announcer.
//
// # Why machines
//
// Five field incidents (Submariner and kube-vip) shaped it. Each was a state
// machine bug hidden in a controller: a decision that depended on the order
// events arrived in, on a restart, or on treating an error as an absence.
// meshstate takes those decisions out of the controllers and into pure
// values that property tests can reach.
//
// # Packages
//
//   - endpoint: which gateway endpoint is active for each cluster, and the
//     notifications handlers receive, each announced endpoint retired exactly
//     once (Removed, or StaleRemoteEndpointRemoved once superseded).
//     endpoint/dispatch delivers them with per-handler retries;
//     endpoint/endpointtest holds generators, a model and invariant checks.
//   - ipam: a dense address Pool (next-fit, a bitmap with summary levels),
//     and the decisions of a global-IP controller: recovery from recorded
//     statuses before allocating, and addresses kept through every lookup
//     that is not a confirmed absence. ipam/ipamtest drives it against a
//     simulated API server.
//   - lookup: the one place where errors are classified (Found, NotFound,
//     Conflict, Transient, Permanent); machines act on the class, never on
//     err != nil.
//   - discovery/vip: which VIPs a load-balancer announcer advertises,
//     joined from Services and EndpointSlices whatever order they arrive in.
//   - discovery/mcs: which ServiceImports a cluster's agent creates and
//     deletes, never before its caches synced and never one it does not
//     own, with KEP-1645's conflict resolution.
//   - cni: which link is the CNI interface, found again whenever links or
//     addresses change, retried with backoff forever while none matches.
//   - routes: the routes and rules a route agent owns (marked by table and
//     protocol), reconciled with minimal operations, never pruned before
//     sync or from an interrupted dump, refused when they would hijack local
//     traffic. cni/kernel and routes/kernel apply them over netlink.
//   - health: each remote endpoint's status and latency over a sliding
//     window of probe results, and exactly one prober per tracked endpoint,
//     stopped as soon as the endpoint is removed or superseded. health/icmp
//     probes over ICMP; its Checker is a ready endpoint handler.
//
// # Machines and adapters
//
// A machine (the top-level files of each package) is a plain value: events
// in, effects out, with no goroutines, clock, randomness, I/O or dependence
// on map iteration order, so the same events always give the same effects in
// the same order. Events that need time carry it; retries are effects. Bad
// input is refused with a typed error and changes nothing. An architecture
// test keeps the machine packages free of netlink, client-go, net/http,
// os/exec, the clock and math/rand.
//
// Kernel adapters live in subpackages, Kubernetes adapters in the module
// github.com/meshstate/meshstate/kube, so that embedding the machines
// brings no client-go (the root module builds with Go 1.24 and
// apimachinery v0.33). The VIP adapter's BGP announcer, kube/vipbgp (a
// GoBGP speaker, and its test kit vipbgptest), is a module of its own, so
// that GoBGP's gRPC and protobuf tree stays out of both. Adapters
// translate informer callbacks and kernel notifications into events, apply
// the effects, and report the outcome back as events. Anything that can be decided without I/O is decided in the
// machine. Retries too: a machine's RetryAfter effect names a key and a
// kind, never data; the adapter reports a RetryDue event when it is due,
// and the machine decides then, from what it holds, what to write, so a
// retry cannot replay a stale decision, and a newer effect supersedes it.
// A write whose answer was lost (a reset or a timeout after sending) is
// reported as Unknown, neither done nor failed, and the next attempt is
// judged against the server's state, not a cache. The Kubernetes adapters
// share one runtime (one ordered queue for informers, workers and keyed
// timers; a relist stepped as one batch, its deletions after its
// additions), so none of them has a loop of its own. Kernel adapters
// (cni/kernel, routes/kernel, health/icmp) are tested in fresh network
// namespaces; Kubernetes adapters (kube/endpointkube and the others named
// in the README) against a real kube-apiserver and etcd, as users bound
// only to the ClusterRoles in kube/config/rbac. Their own API types are in
// kube/apis/v1alpha1 (group meshstate.io), their CRDs in kube/config.
//
// # Wiring a controller
//
// A controller builds a machine with New, feeds it the events its informers
// deliver (Upsert, Delete, and Synced once the informer's HasSynced is true),
// and hands the returned effects to its dispatcher or applier:
//
//	m, err := endpoint.New(endpoint.Config{LocalClusterID: "west"})
//	d, err := dispatch.New([]endpoint.Handler{routes, health})
//	go d.Run(ctx)
//	ns, err := m.Step(endpoint.Upsert{Endpoint: ep}) // from the informer
//	err = d.Enqueue(ns...)
//
// A machine is not safe for concurrent use: feed it from one goroutine, as
// a controller's work loop does.
//
// # Vocabulary
//
// One word for one idea, in every package:
//
//   - Event: what a machine is told (Upsert, ServiceUpsert, Observed, ...);
//     Step takes one. Every event has a trace JSON form (UnmarshalEvent
//     reads it) and prints as a transcript line (GoString).
//   - Effect: what a machine returns for the adapter to carry out, each
//     package's Effect type (endpoint's are the notifications its handlers
//     receive, routes' the kernel operations; their old names, Notification
//     and Operation, remain as deprecated aliases).
//   - HasSynced: whether the machine has heard every source's initial list,
//     as client-go's informers say it (endpoint, ipam, vip, mcs).
//   - Applied, RetryAfter, RetryDue: an adapter reports a write's
//     lookup.Outcome in an Applied event; a machine asks for a retry with a
//     RetryAfter effect carrying a key and a kind, never data; the adapter
//     steps RetryDue when its timer fires.
//   - Class (lookup.Class): what an error means for a lookup; Outcome
//     (lookup.Outcome): whether a failed write may have been applied.
//   - Schedule (retry.Schedule): every retry delay, in every Config.
//   - Kit: the <pkg>test package of a machine; Scenario: one of its
//     transcript files.
//   - Adapter: the code that feeds a machine from the world and applies its
//     effects (the kernel adapters, kube/<machine>kube).
//
// # Errors
//
// An error message starts with the name of the package that made it and a
// colon ("ipam: pool full", "ipamkube: leadership lost", "v1alpha1:
// malformed object"), so that a message read in a log names its source.
// Where two packages share a name, the path from the module root stands
// for it ("routes/kernel: nil handle"). A machine's refusal leads with its
// sentinel, then says what is wrong ("routes: invalid config: table:
// ..."): test for the sentinel with errors.Is, and get the details with
// errors.As. A test holds the sentinel errors of every public package to
// this; other messages follow it by review.
package meshstate
