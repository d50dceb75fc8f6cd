// Package discovery makes the decisions of two service-discovery agents
// without I/O: which VIPs a load-balancer announcer advertises, and which
// Multi-Cluster Services ServiceImports a cluster's agent creates, updates
// and deletes.
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
// Field incident 001: after a host reboot, a service-discovery agent deleted
// valid ServiceImports: it pruned before its caches were complete, and took
// imports it did not own (from other clusters, or aggregated by the broker)
// for its own orphans. The export machine deletes nothing before every
// source has synced, and only ever touches the imports labelled with its own
// cluster ID; restarting against an unchanged world creates and deletes
// nothing.
//
// # Outcomes and retries
//
// Both machines decide their own retries, so that property tests reach
// them; the adapter only keeps the timers. The contract:
//
//   - Every write the adapter makes for an effect (Advertise, Withdraw and
//     the Announcer's Commit; ImportUpsert, ImportDelete, and the
//     ExportSetCondition effects of one export written together) is
//     reported back, in the order the writes were made, as a VIPApplied
//     or ExportApplied event: Done, Conflict, Failed (with the failure's
//     lookup.Class) or Unknown.
//   - Anything but Done is answered with a RetryAfter effect (VIPRetryAfter,
//     ExportRetryAfter) carrying a key (a VIP; an export's namespace/name),
//     a RetryKind and a delay, never the data to write. The delay comes
//     from the configured schedules (Retry, or SlowRetry after a Permanent
//     failure), backing off per key while the failures go on, with a
//     jitter drawn from the key and the attempt: the same events always
//     give the same delays.
//   - The adapter keeps one timer per key and kind; a newer RetryAfter for
//     the same key and kind replaces it. When it fires, the adapter steps
//     a RetryDue event (VIPRetryDue, ExportRetryDue) with the key and kind,
//     and the machine emits what it wants for that key now: the VIP's
//     Advertise or Withdraw, a Commit, the import's upsert or delete, the
//     export's conditions; or nothing, if the retry was superseded since.
//   - A retry is superseded by a newer effect for the same key and kind,
//     by a Done outcome for it and, in the export machine, by an
//     observation of the object it concerns, since the machine then decides
//     against what the server showed. A superseded, late or repeated
//     RetryDue yields nothing, and a retry never writes what the machine
//     wanted when the write failed, only what it wants when the retry is
//     due. An adapter may drop a pending timer when it applies a newer
//     effect for the key, but need not.
//   - Unknown means the request may have reached the server and its answer
//     was lost (a reset or timeout after sending). It is neither Done nor
//     Failed. The export machine keeps such a write in flight and doubts
//     the observed import until the informer shows a newer one: when the
//     retry is due it writes the current decision again even if the
//     observed (possibly stale) import already agrees with it, and it never
//     concludes that nothing is to be done from a copy older than the
//     write. An Announcer has no informer to show its state, so the VIP
//     machine retries an Unknown Advertise or Withdraw on the fast schedule,
//     with what it wants by then; both are idempotent.
//   - An outcome that a newer decision overtook (an Advertise's outcome
//     while the VIP is withdrawn, an import write's outcome after the
//     import was observed again) changes nothing: the newer effect's own
//     outcome follows it. Outcomes before both sources synced match nothing
//     and are ignored. Malformed outcomes and retries are rejected with
//     ErrInvalidVIPEvent or ErrInvalidExportEvent and change nothing.
//
// Peers. Lighthouse's agent syncs through admiral's resource syncer
// (pkg/syncer/process_resource.go), which retries by key as well: a failed
// create or update requeues the object's key, and the retry takes "the
// latest resource from the cache regardless of the operation", so it
// writes the current state, as here. Two differences, both deliberate.
// Its retry of a deletion carries the deleted object (the queued
// operation), a payload retry; here an import's retry decides between
// upsert and delete from what the machine holds when it is due. And it
// treats every error alike, deciding the retry from a cache that may
// predate a write whose answer was lost; here such a write stays pending
// until an observation newer than it, as issue 12 found necessary. An
// announcer that re-applies its own failed call (a payload retry, as this
// package's adapter did before issue 12) announces the Services the call
// carried, and can re-advertise a VIP whose Service has gone since; here
// the retry asks the machine, which announces the Services that qualify
// then, or withdraws the VIP.
//
// Both machines are plain values: events in, effects out, no goroutines,
// clock or I/O. Their test kit is discovery/discoverytest.
package discovery
