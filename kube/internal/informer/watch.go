package informer

import (
	"context"
	"fmt"

	"k8s.io/client-go/tools/cache"
)

// Watch makes inf's callbacks push items named source onto q, and queues a
// Synced item once the handler has received inf's initial list. A relist
// is pushed as one batch, its deletions (tombstones) after its additions
// and updates (see the package doc). The
// informer itself is started by the caller (through its factory). When ctx
// is done the handler is removed; wait blocks until that has happened, so
// a caller that calls it after cancelling leaves nothing running. Watch
// returns an error only if inf refuses the handler (it has been stopped).
func Watch(ctx context.Context, inf cache.SharedInformer, source string, q *Queue) (wait func(), err error) {
	reg, err := inf.AddEventHandler(newRelist(source, inf.GetStore(), q).handler())
	if err != nil {
		return nil, fmt.Errorf("informer: watch %s: %w", source, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The registration's checker closes its channel once the handler
		// has seen every item of the initial list: no polling, so the
		// marker follows the list at once.
		select {
		case <-reg.HasSyncedChecker().Done():
			q.Push(Item{Source: source, Op: Synced})
		case <-ctx.Done():
		}
		<-ctx.Done()
		_ = inf.RemoveEventHandler(reg) // fails only once inf has stopped: nothing left to remove
	}()
	return func() { <-done }, nil
}

// deleted is the Delete item of a DeleteFunc callback, unwrapping a
// tombstone.
func deleted(source string, obj any) Item {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		return Item{Source: source, Op: Delete, Obj: t.Obj, Key: t.Key, Tombstone: true}
	}
	return Item{Source: source, Op: Delete, Obj: obj, Key: key(obj)}
}

// key is obj's namespace/name, or empty if obj has no object metadata (the
// adapter then reports it as malformed).
func key(obj any) string {
	k, _ := cache.MetaNamespaceKeyFunc(obj)
	return k
}
