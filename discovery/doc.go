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
// Both machines are plain values: events in, effects out, no goroutines,
// clock or I/O. Their test kit is discovery/discoverytest.
package discovery
