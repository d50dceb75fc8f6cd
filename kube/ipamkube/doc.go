// Package ipamkube is the Kubernetes adapter of package ipam: it feeds an
// ipam.Machine the GlobalIPs (meshstate.io/v1alpha1) of a cluster and
// applies the effects it returns, so that each GlobalIP gets its global
// IP addresses in its status and, with spec.internalService, a Service
// carrying them.
//
// # Inputs
//
// A dynamic informer watches GlobalIPs; each add or update becomes an
// ipam.Observed (v1alpha1.FromUnstructured; a malformed object is logged
// and skipped, never taken for absent), each delete an ipam.Deleted, and
// the end of the initial list ipam.Synced. A second informer caches the
// adapter's own Services (label LabelManagedBy=ManagedBy). Both push onto
// one queue, and one goroutine steps the machine, so the machine sees one
// order. Workers make the API requests and push their outcomes onto the
// same queue, as ipam.Applied and ipam.LookupResult events classified with
// lookup.Classify and timed by Config.Clock.
//
// # Effects
//
//   - WriteStatus and SetCondition: merged per owner into one update of
//     the status subresource (conditions set with meta.SetStatusCondition),
//     based on the informer's object and its resourceVersion. If the
//     status already records it all, nothing is written. A 409, or a
//     write whose answer was lost (a reset, a timeout or a 5xx after
//     sending: ipam.Unknown), makes every copy the adapter holds suspect:
//     the next attempt reads the object from the API server first and is
//     judged against that, never against the informer's cache, which a
//     cut watch may hold back. Addresses never change here.
//   - EnsureDependency: create the Service v1alpha1.InternalServiceName,
//     a ClusterIP Service with the addresses as external IPs (see
//     "Internal Services and externalIPs") and in AnnotationAddresses,
//     labelled as the adapter's and controlled by the GlobalIP
//     (garbage-collected with it); or update the one it owns. A Service of that name the adapter
//     does not own is never touched: ErrForeignService, Permanent. A
//     failure shows as DependencyReady=False/EnsureFailed until it heals.
//     The machine asks for it only once the owner's status records the
//     addresses.
//   - Lookup: a Service in the cache that belongs to the owner is Found,
//     with the external IPs it carries; anything else, including a miss
//     before the cache has synced, is asked of the API server, so NotFound
//     is only the server's word. Every change to one of the adapter's
//     Services (not only its deletion) is such a lookup: the machine has
//     a Service that carries other addresses than its owner's repaired.
//   - RetryAfter: a timer keyed by owner and kind, carrying nothing; when
//     it fires the machine gets ipam.RetryDue and decides what to do from
//     what it holds then. A newer effect of the kind cancels the timer.
//   - Release: nothing to write; the status goes with the object.
//   - Notify: one events.k8s.io/v1 Event regarding the GlobalIP (reason,
//     type and note from the ipam.Notice; reportingController
//     ReportingController), and a log line at the default verbosity. The
//     Event is created once and not retried: a failure shows in State
//     and the log.
//
// # What a user sees
//
// Conditions: Allocated, DependencyReady and Ready (kstatus style: True
// once the addresses are allocated and, with spec.internalService, the
// Service carries them; False with the blocking reason otherwise), each
// with a message and the observedGeneration of the GlobalIP the decision
// was made from. When the machine accepts a new generation (an edit of
// spec.internalService, say), the conditions are restamped with it; an
// edit the machine refuses leaves them at the generation it acts on.
//
// Events (kubectl describe), one per decision, none on a restart against
// an unchanged cluster: Allocated, AddressTaken and AddressOutOfPool (a
// recorded address held by an older owner, or outside the pool: new
// ones), Reallocated, PoolExhausted (the owner waits), CountChangeRefused,
// Recovered, DependencyMissing, DependencyMismatch and DependencyRepaired
// (see ipam.Notice). A count edit refused by the running machine
// (ipam.ErrWantChanged) is told as CountChangeRefused too, once per
// generation, with a log line at the default verbosity, as a restarted
// machine tells it with its condition; the addresses never change.
//
// Logs at the default verbosity: start, each term (and with leader
// election, campaigning, leadership gained and lost), recovery done with
// its counts (owners, recovered, allocated, waiting, count changes
// refused), each decision above and each release, and each kind of failed
// request once (again at V(1)). A failed list or watch is logged by the
// informer loop and only kept for State here, and a failed Lease request
// is logged by client-go's elector: no failure is logged twice.
//
// # Internal Services and externalIPs
//
// Kubernetes 1.36 deprecates spec.externalIPs (KEP-5707: kube-proxy is to
// drop it in a later release) and warns whenever a Service carrying it is
// written. The internal Service exists for the datapath: kube-proxy routes
// traffic for a Service's external IPs to its endpoints, which is how the
// global IP reaches the workload. Submariner's globalnet, the peer this
// package follows, does the same: its GlobalIngressIP controller creates
// a ClusterIP Service (submariner-*) with the global IP in
// spec.externalIPs. An annotation alone would route nothing, and an
// EndpointSlice does not make kube-proxy answer for an address. So
// Config.ServiceAddresses defaults to ExternalIPs, which keeps working
// wherever kube-proxy implements the field; the warning is logged once
// per distinct text (the adapter's warning handler), and Services are
// written only when created or repaired, not on every pass.
// AnnotationOnly is for clusters that refuse the field (the
// DenyServiceExternalIPs admission plugin) or no longer implement it: the
// Service carries the addresses in AnnotationAddresses only, for a
// datapath that programs them itself, and a Service left with external
// IPs is repaired to have none. Both modes write the annotation, so a
// cluster can switch without losing what each Service carries.
//
// # Restart
//
// A term starts a fresh machine, which reserves what statuses record and
// allocates only after the initial list; a restart against an unchanged
// cluster therefore writes nothing: no address, no condition, no Service
// (TestRestart counts the requests). State().Settled says when recovery
// is complete.
//
// # Leader election
//
// With Config.LeaderElection, Run holds a coordination.k8s.io Lease
// (client-go leaderelection) and runs a term only while holding it, so two
// replicas never allocate at once: a leader that cannot renew within
// RenewDeadline stops writing and Run returns ErrLeadershipLost, and a
// standby takes over only after LeaseDuration. The Lease is released (with
// ReleaseOnCancel) only after the term has stopped.
//
// # Permissions and failures
//
// config/rbac/ipam.yaml is the least ClusterRole the adapter needs
// (Events: create only, since each is created once). A
// request refused for want of a rule (403) is lookup.Permanent: it is
// logged and shown in State().LastError, and retried slowly; a refused
// lookup also sets the owner's DependencyReady condition to LookupDenied.
// Run never returns because of a failed request, and never spins: lists
// and watches back off in client-go, writes and lookups as the machine's
// retry schedules say.
//
// # Observability
//
// Logs go to Config.Logger (logr). Collector exports the pool's gauges
// and the counters of allocations, releases, lookups by class, retries
// by kind, rejected events and notices, for a registry the caller owns. Config.Trace records every event fed to the
// machine as JSON lines; replaying a term's lines through a fresh
// ipam.Machine yields the effects the adapter applied. Each term starts a
// fresh machine and nothing in the trace marks where one begins, so give
// each Run of a traced adapter a writer of its own.
package ipamkube
