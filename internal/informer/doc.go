// Package informer turns client-go informer callbacks into the ordered
// items a Kubernetes adapter steps its machine with.
//
// Every informer an adapter watches pushes onto one Queue, so the adapter's
// single loop sees adds, updates and deletes of all of them in one order and
// steps its machine from one goroutine, as machines require. Deletes seen
// only through a relist arrive from client-go as DeletedFinalStateUnknown
// tombstones; Watch unwraps them, so the adapter sees the last known object
// either way. Once a handler has received its informer's initial list
// (its registration's HasSynced), Watch queues a Synced item behind
// it: the machine learns that the list is complete exactly when every
// object of it is ahead of the marker in the queue.
package informer
