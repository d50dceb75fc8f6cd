// Package ipam allocates global IP addresses: a dense Pool, and a Machine
// that makes the decisions of a global-IP controller (GlobalIngressIP and
// GlobalEgressIP-style owner objects) without I/O.
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
// pool or held by an older owner.
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
// Effects: WriteStatus, SetCondition, EnsureDependency, Lookup, RetryAfter
// and Release. Adapters apply them and report Applied and LookupResult
// events; SetCondition is meant to be written with the status.
package ipam
