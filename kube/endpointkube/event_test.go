package endpointkube

import (
	"errors"
	"testing"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/kube/internal/informer"
)

// A tombstone without an object is still a delete, by the name in its key;
// an item without a usable key is malformed, not a silent no-op.
func TestEventOfEmptyTombstone(t *testing.T) {
	ev, err := event(informer.Item{Op: informer.Delete, Key: "ns/east-gw", Tombstone: true})
	if err != nil || ev != (endpoint.Delete{Name: "east-gw"}) {
		t.Fatalf("event = %#v, %v", ev, err)
	}
	if _, err := event(informer.Item{Op: informer.Delete, Key: "no-namespace"}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("keyless delete: %v", err)
	}
	if _, err := event(informer.Item{Op: informer.Upsert, Obj: 42}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("non-object upsert: %v", err)
	}
}
