// Package mcs decides, without I/O, which Multi-Cluster Services
// (KEP-1645) ServiceImports a cluster's service-discovery agent creates,
// updates and deletes for the ServiceExports of its cluster, and the
// conditions it sets on those exports.
//
// Field incident 001: after a host reboot, a service-discovery agent deleted
// valid ServiceImports: it pruned before its caches were complete, and took
// imports it did not own (from other clusters, or aggregated by the broker)
// for its own orphans. The machine deletes nothing before every
// source has synced, and only ever touches the imports labelled with its own
// cluster ID; restarting against an unchanged world creates and deletes
// nothing.
//
// # Outcomes and retries
//
// The machine decides its own retries, by the contract package discovery
// describes: every ImportUpsert and ImportDelete, and the ExportSetCondition
// effects of one export written together, are reported back as an Applied
// event (Done, Conflict, Failed or Unknown); anything but Done is answered
// with a RetryAfter effect carrying a key (the export's namespace/name), a
// RetryKind and a delay, never the data to write; the adapter steps a
// RetryDue when its timer fires, and the machine emits what it wants for
// that key now, or nothing. An observation of the object a retry concerns
// also supersedes it, since the machine then decides against what the
// server showed.
//
// An Unknown write stays in flight: the machine doubts the observed import
// until the informer shows a newer one, so when the retry is due it writes
// the current decision again even if the observed (possibly stale) import
// already agrees with it, and it never concludes that nothing is to be
// done from a copy older than the write.
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
// until an observation newer than it, as issue 12 found necessary.
//
// # MCS export conflicts
//
// The machine follows KEP-1645's Constraints and Conflict
// Resolution. The constituents of a service are its valid exports: the
// local one and the imports other clusters created from theirs. They are
// ordered oldest first, by the export's creation time, then by cluster ID
// (so that two exports created in the same second never tie), and the
// oldest wins. Headlessness is decided for the service as a whole: a
// constituent of another type than the winner's conflicts on type
// (TypeConflict), and its ports are not merged. Ports are merged by name,
// then by protocol and number: a port of one constituent and a different
// port of an older one conflict (PortConflict) when they share a name (the
// empty name included) or a protocol and number, since a Service may have
// neither two ports of one name nor two of one protocol and number. So
// "http 80/TCP" against "web 80/TCP" conflicts, as does "http 80/TCP"
// against "http 8080/TCP"; identical ports merge, and different ports
// under different names and numbers make a union. Before issue 14 only
// ports of the same name were compared, and the first case was missed.
//
// Two choices, against the KEP and Lighthouse (pkg/agent/controller,
// service_import_conflict.go):
//
//   - Every export of a conflicted service carries Conflict=True, the
//     winner's too, with the same reason and a message naming the winner and
//     the losing clusters, in age order. The KEP sets the condition "on all
//     ServiceExports for the conflicted service", and Lighthouse, whose
//     agents each check the whole service, does the same; this machine set
//     it only on the loser before issue 14. The owner of the winning export
//     is the one whose Service others must match, so it must see the
//     conflict as well; and each cluster's agent, deciding alone from the
//     same imports, words the condition the same way.
//   - The loser of a type conflict still gets its import, of its own type
//     (a Headless one for a headless Service losing to a ClusterSetIP one),
//     and so does the loser of a port conflict, with all its ports. The
//     import is both this cluster's advertisement and the other clusters'
//     only view of its export: withdrawn, the winner's cluster could not
//     see the conflict and would report none, against the rule above, and
//     when the winner's export goes, the loser's export would have to be
//     created anew instead of taking over. Lighthouse's conflict check, too,
//     lists every cluster's ServiceImport of the service, of either type,
//     and leaves a type loser out only when it merges them ("if the
//     service type differs then we don't actually export it").
//     Consumers of the per-cluster imports must do the same: each carries
//     its export's creation time and cluster, from which the same order
//     follows; a consumer that serves every import as it is would serve
//     a type loser's records beside the winner's.
//
// Lighthouse also reports PortConflict whenever a constituent's ports are
// not the same set as the oldest's, even when they merge into a valid union
// (ports the others lack); here only ports that cannot be merged conflict,
// as the KEP's union rule asks, so adding a port in one cluster first does
// not flag the service.
//
// The machine is a plain value: events in, effects out, no goroutines,
// clock or I/O. Its test kit is package mcstest; its Kubernetes adapter is
// github.com/meshstate/meshstate/kube/mcskube.
package mcs
