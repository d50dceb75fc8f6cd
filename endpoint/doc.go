// Package endpoint decides which gateway endpoint is active for each cluster
// of a multi-cluster network, and tells handlers so exactly once.
//
// Field incident 000 is its reason to exist: a gateway restart created a new
// Endpoint for a cluster and then deleted the old one; the event layer
// dropped the old one's deletion because a later endpoint had already been
// processed, so the health checker kept probing a ghost. Here every endpoint
// that is announced (LocalEndpointCreated or RemoteEndpointCreated) is
// retired exactly once after its deletion: by the Removed kind if it was
// still active, or by StaleRemoteEndpointRemoved (StaleLocalEndpointRemoved)
// if a newer endpoint had superseded it. Route handlers implement Handler
// only and never see the stale kinds; a health checker implements
// StaleHandler too and stops its prober.
//
// Supersession follows a total order per cluster: the caller's Compare
// (ByCreation by default: creation time, then the producer's Sequence),
// with ties broken by name. The active endpoint of a cluster is its greatest
// present endpoint unless that endpoint was itself superseded while present:
// deleting the active endpoint of a cluster whose other endpoints are all
// stale leaves the cluster without one rather than resurrecting a ghost.
//
// Staleness is history: a machine that restarts and relists only a leftover
// endpoint (its successor already deleted) announces it, since nothing
// present supersedes it. Gateways delete superseded endpoints, so the case
// is short-lived, and remembering it across restarts would need storage.
//
// The Machine is a value: events in (Upsert, Delete, Synced), notifications
// out, no goroutines, clock or I/O. Nothing is announced before Synced, so a
// restart announces each cluster's active endpoint once, not every endpoint
// the relist carries. An upsert that carries the stored ResourceVersion is a
// resync and costs one map lookup. AppendStep reuses the caller's buffer.
//
// Package endpoint/dispatch delivers the notifications to handlers with
// retries; package endpoint/endpointtest holds generators, a model,
// invariant checks, scenario files and traces for property tests, yours
// included.
package endpoint
