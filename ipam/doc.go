// Package ipam allocates global IP addresses: a dense Pool, and a Machine
// that makes the decisions of a global-IP controller without I/O. Its
// owners are meshstate.io GlobalIPs (kube/apis/v1alpha1), or any object of the
// same shape, such as Submariner's GlobalIngressIP and GlobalEgressIP.
//
// Field incident 003 is its reason to exist: on a controller restart, a
// transient error while looking up a global IP's internal Service was taken
// for "the Service does not exist"; the address was released and a new one
// handed out, breaking live connections. Here a lookup result is classified
// once (package lookup) and the machine acts on the class:
//
//   - Found: the dependency is ready.
//   - NotFound, a confirmed absence: the dependency is recreated with the
//     same addresses (Config.ReleaseOnNotFound releases and reallocates
//     instead).
//   - Transient or Permanent, both unknown: the addresses are kept, a
//     condition says the lookup failed, and the lookup is retried, with
//     exponential backoff or slowly.
//
// An owner's addresses change only when it is deleted, on NotFound with the
// release option, or when recovery finds its recorded address out of the
// pool or held by an older owner. The number of addresses an owner wants
// never changes: a running machine refuses an event asking for another
// (ErrWantChanged), and a restarted one, finding a status that records
// another number than the spec asks for, keeps what the status records and
// says so (Allocated=True/CountChangeRefused): the same decision either
// way, never a move with a reason that is not true.
//
// Restart: until Synced, the machine only reserves what owners' statuses
// record; new addresses come after it, so a restart against an unchanged
// world writes no status. Two owners recording one address: the older
// (creation time, then namespace/name) keeps it, the other gets a new one
// and a condition saying why. After Synced, the owner already holding an
// address keeps it.
//
// A status write that has not been observed back never causes a second
// allocation: an observation whose status lacks the held addresses (a stale
// cache) gets the write again.
//
// Dependencies: an owner's dependency (its internal Service) is handed
// its addresses only once the owner's status is known to record them, by
// an Applied WriteStatus or an Observed status; until then a restart,
// which rebuilds from statuses only, could give an address that a Service
// carries to another owner. Submariner's GlobalIngressIP controller
// does the opposite: it programs the ingress rules for a new address and
// only then returns the status to write, so a status write that fails
// leaves rules for an address no status records, which its next attempt,
// finding no address in the status, allocates afresh. We pay one round
// trip before the dependency exists to make that impossible. A Found lookup reports what the dependency
// carries, and one carrying other addresses (edited by hand, or left by a
// race) is repaired, with DependencyReady=False/DependencyMismatch while
// it lasts. An owner's retiring addresses (ReleaseOnNotFound) go back to
// the pool only once its status and its dependency both show the new
// ones. ReleaseOnNotFound releases nothing while the machine's own ensure
// is pending (the dependency is missing because it has not been created
// yet, not because it went away), nor when the pool has no room for new
// addresses.
//
// # Retries and outcomes
//
// This is the contract every machine of meshstate keeps with its adapter.
// A retry carries a key and a kind, never data: RetryAfter{Owner, Retry,
// Delay} asks the adapter to report RetryDue{Owner, Kind} after Delay, and
// the machine then decides from what it holds at that moment (the owner's
// current addresses, or nothing if it holds none). A newer effect of the
// same kind for the owner supersedes a pending retry: the machine ignores
// its RetryDue, and an adapter may cancel its timer. A write's outcome is
// Done, Conflict, Failed (the server refused) or Unknown (the answer was
// lost after sending: a reset or a timeout). Unknown is neither done nor
// failed: the machine does not take the status, or the dependency, to
// record the write, and retries; the adapter bases that attempt on the
// server's state, never on a cache the lost write may have outdated.
//
// Effects: WriteStatus, SetCondition, EnsureDependency, Lookup, RetryAfter,
// Release and Notify. Adapters apply them and report Applied, LookupResult
// and RetryDue events; SetCondition is meant to be written with the status.
//
// # Conditions and notices
//
// Every condition the machine sets has a message, and its
// ObservedGeneration is left as the status has it: the adapter stamps the
// generation it observed. Besides Allocated and DependencyReady the
// machine keeps Ready, in the kstatus style: True when the owner holds its
// addresses and its dependency, if any, carries them; otherwise False with
// the reason and message of what blocks it. It is decided once per step,
// after the others.
//
// The decisions a user must see come out as Notify effects, each
// following the condition change it tells of (see Notice for the list):
// one transition, one notice, and a step that changes no condition (a
// restart against an unchanged world among them) notifies nothing. The
// adapter records them as Kubernetes Events. An edited count refused by
// a running machine is a rejection, not a step; RejectedError.Notice gives
// the notice for it, so that it reads as the restarted machine's
// CountChangeRefused. ipamtest.Notices checks these rules after every
// generated step.
package ipam
