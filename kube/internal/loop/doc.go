// Package loop is the one runtime every adapter of meshstate runs on: an
// ordered queue that its informers, its timers and its workers all push
// onto, and one goroutine that takes everything pending, hands each item
// to the adapter (which steps its machine) and then lets the adapter apply
// the effects of the batch. Machines are not safe for concurrent use and
// must see one order of events; this is where that order is made.
//
// # Pieces
//
//   - Runner (New, Run): wires N informers to the queue through
//     informer.Watch (items in order, a Synced marker after each initial
//     list, tombstones unwrapped, a relist as one batch), sets classified
//     watch-error handlers (EOF and 410 Gone are routine: the informer
//     rewatches or relists; others are logged, kept in LastWatchError and
//     passed to Config.OnWatchError), starts the factories and runs
//     handle(item) for each item then flush(ctx) per batch, on the calling
//     goroutine, until the context ends. A source that fails or closes
//     does not end it (principle 10). Queue exposes the queue to other
//     producers; Go runs worker goroutines for the length of Run; OnStop
//     registers what to stop after everything else (timers).
//   - Timers[K]: timers keyed by any comparable key, with client-go
//     workqueue's verbs (AddAfter, Forget, Len). A due timer pushes an
//     item; Fired turns it back into its key, unless the timer was
//     superseded or forgotten meanwhile.
//   - Reporter: the trace of stepped events (stops at its first failed
//     write, and says so once) and the logging of skipped objects and
//     rejected events.
//
// # Retries carry a key, never a payload
//
// A machine that wants a retry returns an effect naming a key and a delay;
// the adapter calls AddAfter(key, delay). When Fired reports the key, the
// adapter asks the machine (an event such as RetryDue{Key, Kind}) and the
// machine decides from what it holds now. A newer AddAfter or a Forget of
// the key supersedes the pending timer, even one that has already fired
// onto the queue: a superseded retry never reaches the machine.
//
// # A relist is one batch
//
// client-go v0.36 informers run the in-order RealFIFO (InOrderInformers is
// GA and locked on) with AtomicFIFO on by default. A relist (after a watch
// expired with 410 Gone, or any watch failure that is not retried in
// place) reaches the informer as one ReplacedAll delta;
// processReplacedAllInfo replaces the informer's store with the new list
// first, then calls OnDelete with a DeletedFinalStateUnknown tombstone for
// every object that vanished, then OnAdd or OnUpdate for every object that
// is new or changed (an unchanged one, same resource version, is passed
// only to handlers that asked for resyncs). Each handler gets its
// notifications in that order, later, on its own goroutine, with nothing
// marking where the relist ends; ResourceEventHandlerDetailedFuncs adds
// only isInInitialList, and Replaced deltas are not visible to handlers.
// Fed in that order, a gateway restart that happened during a watch cut
// (new endpoint created, old one deleted) reaches the endpoint machine as
// Delete(old) then Upsert(new): RemoteEndpointRemoved instead of
// StaleRemoteEndpointRemoved (incident 000).
//
// informer.Watch therefore holds a relist back and pushes it as one batch
// (Queue.PushAll, so one Next returns all of it), its additions and
// updates first and its tombstones last. It knows where the relist ends
// without a timer: when the first tombstone of a run reaches the handler,
// the store already holds the relisted objects (it was replaced before any
// notification was made), and every object the store holds at a resource
// version the handler has not yet received has a notification on its way
// to the handler (the store changes only together with a notification,
// except for same-version updates, which the handler already has). So the
// relist is complete once each of those objects has arrived; the tombstones
// and everything after them wait until then. The store may already be
// ahead of the relist; then the batch waits for those later changes too,
// which are already queued for the handler, so it is delayed by queued
// work only, never by time. Within the batch nothing but tombstones moves,
// and a tombstone never moves past a later re-creation of its key. The
// informer property test (TestRelistBatchesProperty) checks this against a
// model of client-go's delivery with random cuts, relists and lag;
// kube/endpointkube checks it against a real API server.
//
// Two limits. An object of the relist that a later watch event deleted
// before the first tombstone reached the handler is no longer in the
// store, so the batch does not wait for its add (and delete): the world no
// longer has it. With AtomicFIFO turned off (KUBE_FEATURE_AtomicFIFO=false)
// client-go applies a relist to the store delta by delta, so the store can
// lag the tombstones; Run logs that once at start.
//
// # Cost
//
// Per item: one queue append, one map write per key (the version last
// passed on, which the relist batcher needs), the handle call. Per relist:
// one pass over the store (a relist is a full list anyway), or one per
// tombstone in a relist that only deletes. BenchmarkLoop
// measures the runtime's own overhead against a bare slice.
package loop
