// Package informer turns client-go informer callbacks into the ordered
// items a Kubernetes adapter steps its machine with.
//
// Every informer an adapter watches pushes onto one Queue, so the adapter's
// single loop sees adds, updates and deletes of all of them in one order and
// steps its machine from one goroutine, as machines require. Deletes seen
// only through a relist arrive from client-go as DeletedFinalStateUnknown
// tombstones; Watch unwraps them, so the adapter sees the last known object
// either way.
//
// A relist is one batch. client-go (v0.36) hands a relist to a handler as
// its tombstones first, then the new list's adds and updates; fed in that
// order, a gateway restart seen through a relist looks like a removal
// (incident 000). Watch holds a relist's items back until the relist is
// complete and pushes them in one run, additions and updates first and
// tombstones last. Where the relist ends is read from the informer's store,
// which client-go replaces before it hands out any of the relist, so no
// timer or quiet period is involved; internal/loop's package doc gives the
// whole argument. Once a handler has received its informer's initial list
// (its registration's HasSynced), Watch queues a Synced item behind
// it: the machine learns that the list is complete exactly when every
// object of it is ahead of the marker in the queue.
package informer
