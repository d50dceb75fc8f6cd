// Package endpoint decides which gateway endpoint is active for each cluster
// of a multi-cluster network, and tells handlers so exactly once.
//
// Field incident 000 is its reason to exist: a gateway restart created a new
// Endpoint for a cluster and then deleted the old one; the event layer
// dropped the old one's deletion because a later endpoint had already been
// processed, so the health checker kept probing a ghost. Here every endpoint
// that is announced (LocalEndpointCreated or RemoteEndpointCreated) is
// retired exactly once, at its deletion: by the Removed kind if it was
// active then, or by StaleRemoteEndpointRemoved (StaleLocalEndpointRemoved)
// if a greater endpoint had superseded it. Route handlers implement Handler
// only and never see the stale kinds; a health checker implements
// StaleHandler too and stops its prober.
//
// # Which endpoint is active
//
// Supersession follows a total order per cluster: the caller's Compare
// (ByCreation by default: creation time, then the producer's Sequence),
// with ties broken by name, the greater name winning. Once synced, a cluster
// with at least one present endpoint always has exactly one active, announced
// endpoint: its greatest present endpoint. Every other present endpoint is
// stale. So the active endpoint depends on the present set only, never on
// the order events arrived in: a machine restarted with the same objects
// announces the same endpoints.
//
// When the active endpoint is deleted and others remain, the greatest
// remaining one takes over, even one that was superseded before. The
// handlers hear the Removed kind for the deleted endpoint first and then the
// Created kind for its successor, so a handler that keeps one endpoint per
// cluster drops the gone one before it installs the live one and is never
// left with either a ghost or nothing. If the successor had been announced
// and superseded, it is announced again (route handlers replaced it; a
// health checker already probing it must take the Created as a no-op, as
// handlers must be idempotent anyway); it is still retired once. Submariner
// issue 3335 is the case: two endpoints created in the same second without
// a sequence tie on time and the name decides; deleting the winner must
// announce the other, or the cluster stays unserved while a gateway is live.
// Before that rule this package left such a cluster without an active
// endpoint, to avoid resurrecting a superseded one; but a superseded object
// that is still present is live as far as the API server says, a restart
// would have announced it anyway, and the health checker now probes it.
//
// # Local gateway failover
//
// The local cluster's endpoints follow the same rules with the Local kinds.
// When this cluster's gateway fails over to another node, the new node's
// endpoint supersedes the old one (LocalEndpointCreated for the new one) and
// the old one's later deletion is StaleLocalEndpointRemoved, not
// LocalEndpointRemoved: the cluster never stopped having a gateway. This
// differs from Submariner, whose event controller calls LocalEndpointRemoved
// for every local endpoint deleted and derives TransitionToNonGateway from it
// (the deleted endpoint's Hostname is this node). Ours keeps "Removed"
// meaning "the cluster has lost its active endpoint", which a route handler
// can act on without checking whether a successor exists, as on the remote
// side. A handler ported from Submariner that relied on LocalEndpointRemoved
// to learn "this node is no longer the gateway" therefore never learns it,
// and nothing reports the miss. Watch LocalEndpointCreated instead,
// and compare its endpoint's Hostname with this node: another node's
// endpoint means this node is no longer the gateway. LocalEndpointRemoved
// comes only when the active local endpoint itself is deleted (followed by
// LocalEndpointCreated for a remaining one, if any), and
// StaleLocalEndpointRemoved (through StaleLocalHandler) is the time to clean
// up what belonged to the old endpoint.
//
// # Restarts and cost
//
// The Machine is a value: events in (Upsert, Delete, Synced), notifications
// out, no goroutines, clock or I/O. Nothing is announced before Synced, so a
// restart announces each cluster's active endpoint once, not every endpoint
// the relist carries. An upsert that carries the stored ResourceVersion is a
// resync and costs one map lookup. AppendStep reuses the caller's buffer.
//
// Package endpoint/dispatch delivers the notifications to handlers with
// retries; package endpoint/endpointtest holds generators, a model,
// invariant checks (CheckServed is the serving rule above), scenario files
// and traces for property tests, yours included.
package endpoint
