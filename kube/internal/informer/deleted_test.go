package informer

import (
	"context"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

// A delete client-go inferred from a relist comes as a tombstone: the item
// carries its last known object and key, marked as such.
func TestDeletedUnwrapsTombstones(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "ns"}}
	it := deleted("s", cache.DeletedFinalStateUnknown{Key: "ns/a", Obj: cm})
	if it.Op != Delete || !it.Tombstone || it.Key != "ns/a" || it.Obj != cm {
		t.Fatalf("tombstone: %+v", it)
	}
	it = deleted("s", cache.DeletedFinalStateUnknown{Key: "ns/b"})
	if it.Key != "ns/b" || it.Obj != nil || !it.Tombstone {
		t.Fatalf("empty tombstone: %+v", it)
	}
	it = deleted("s", cm)
	if it.Tombstone || it.Key != "ns/a" {
		t.Fatalf("plain delete: %+v", it)
	}
}

// Next returns everything pending in order, and the context's error once
// it is done.
func TestQueueNext(t *testing.T) {
	q := NewQueue()
	q.Push(Item{Key: "1"})
	q.Push(Item{Key: "2"})
	got, err := q.Next(context.Background(), nil)
	if err != nil || len(got) != 2 || got[0].Key != "1" || got[1].Key != "2" || q.Len() != 0 {
		t.Fatalf("Next = %+v, %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Next(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next after cancel: %v", err)
	}
}
