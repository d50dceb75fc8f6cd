package informer

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/cache"
)

// lister is the part of an informer's store the batcher reads: after a
// relist it holds at least the relisted objects (see the package doc).
type lister interface {
	List() []any
}

// pusher is where the batcher sends items: the adapter's Queue.
type pusher interface {
	Push(Item)
	PushAll(...Item)
}

// relist turns one informer handler's callbacks into queue pushes, and
// presents each relist as one batch: the relist's additions and updates
// first, then its deletions.
//
// client-go delivers a relist to a handler as its tombstones
// (DeletedFinalStateUnknown) first, then the adds and updates of the new
// list, with no mark where the relist ends. The batcher knows where it
// ends from the informer's store, which already holds the relisted objects
// when the first tombstone reaches the handler: every object the store
// holds at a version the handler has not yet passed on is still on its way
// to the handler (the informer queued a notification for it, and
// notifications reach a handler in order), so the relist is complete once
// each of them has arrived. Until then the tombstones and what follows them
// are held; then they are pushed in one PushAll, tombstones last.
//
// A holding batcher passes on nothing, so it never reorders across keys
// outside a relist; inside one, only tombstones move, and a tombstone never
// moves past a later upsert of its own key (that is a re-creation, which
// must follow the delete).
//
// Its methods are called from the handler's goroutine only: client-go
// calls one handler's callbacks one at a time.
type relist struct {
	source string
	store  lister
	out    pusher

	// seen is the resource version of the last object passed on (or
	// held) per key: what the handler has received.
	seen map[string]string
	// inTombs: the previous callback was a tombstone. client-go delivers
	// a relist's tombstones back to back.
	inTombs bool

	// While a relist is held: awaited are the keys whose versions in the
	// store have not yet reached the handler; held is what arrived
	// meanwhile, in order, tombstones apart in tombs.
	awaited map[string]struct{}
	held    []Item
	tombs   []Item
}

func newRelist(source string, store lister, out pusher) *relist {
	return &relist{source: source, store: store, out: out,
		seen: map[string]string{}, awaited: map[string]struct{}{}}
}

// upsert is an add or update callback.
func (r *relist) upsert(obj any) {
	r.deliver(Item{Source: r.source, Op: Upsert, Obj: obj, Key: key(obj)})
}

// remove is a delete callback, tombstone or not.
func (r *relist) remove(obj any) { r.deliver(deleted(r.source, obj)) }

func (r *relist) deliver(it Item) {
	if it.Op == Delete && it.Tombstone {
		r.tombstone(it)
		return
	}
	r.inTombs = false
	if it.Key != "" {
		if it.Op == Upsert {
			r.seen[it.Key] = version(it.Obj)
		} else {
			delete(r.seen, it.Key)
		}
	}
	if !r.holding() {
		r.out.Push(it)
		return
	}
	if it.Op == Upsert {
		r.unholdTomb(it.Key)
	}
	r.held = append(r.held, it)
	delete(r.awaited, it.Key)
	r.release()
}

// tombstone holds it back until the relist it belongs to is complete.
func (r *relist) tombstone(it Item) {
	// A run of tombstones after a held relist's own continues it: that
	// relist's awaited objects come after all its tombstones. Otherwise
	// the store may show a newer relist than the last look did (two
	// relists back to back, the first with nothing to await), so look
	// again; that costs one pass over the store per tombstone only in a
	// relist with nothing to await.
	if it.Key != "" {
		delete(r.seen, it.Key)
	}
	if !r.inTombs || !r.holding() {
		r.await() // the store may hold it.Key again: a re-creation on its way
	}
	r.inTombs = true
	r.tombs = append(r.tombs, it)
	r.release()
}

// await adds to awaited every key the store holds at a version not yet
// received: O(objects), once per relist, as the relist itself is.
func (r *relist) await() {
	for _, obj := range r.store.List() {
		k := key(obj)
		if k == "" {
			continue
		}
		if v, ok := r.seen[k]; !ok || v != version(obj) {
			r.awaited[k] = struct{}{}
		}
	}
}

// unholdTomb moves a held tombstone of k into the held order, ahead of
// the upsert of k about to be held: that upsert re-creates what the
// tombstone deleted.
func (r *relist) unholdTomb(k string) {
	if k == "" {
		return
	}
	for i, t := range r.tombs {
		if t.Key == k {
			r.held = append(r.held, t)
			r.tombs = append(r.tombs[:i], r.tombs[i+1:]...)
			return
		}
	}
}

func (r *relist) holding() bool { return len(r.tombs) > 0 || len(r.held) > 0 }

// release pushes the held relist, tombstones last, once nothing is
// awaited.
func (r *relist) release() {
	if len(r.awaited) > 0 {
		return
	}
	r.held = append(r.held, r.tombs...)
	r.out.PushAll(r.held...)
	clear(r.held)
	clear(r.tombs)
	r.held, r.tombs = r.held[:0], r.tombs[:0]
}

// version is obj's resource version; objects without metadata (which only
// tests make) compare equal to each other.
func version(obj any) string {
	m, err := meta.Accessor(obj)
	if err != nil {
		return ""
	}
	return m.GetResourceVersion()
}

// handler is the client-go handler that feeds r.
func (r *relist) handler() cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    r.upsert,
		UpdateFunc: func(_, obj any) { r.upsert(obj) },
		DeleteFunc: r.remove,
	}
}
