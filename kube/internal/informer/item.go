package informer

import (
	"github.com/meshstate/meshstate/internal/enum"
)

// Op says what an Item reports.
type Op uint8

// The operations.
const (
	// Upsert: the object was added, or updated (resyncs included).
	Upsert Op = iota + 1
	// Delete: the object is gone; Obj is its last known state.
	Delete
	// Synced: the source's initial list has been queued in full.
	Synced
)

var opNames = [...]string{Upsert: "Upsert", Delete: "Delete", Synced: "Synced"}

func (o Op) String() string { return enum.Name(opNames[:], o, "Op") }

// Item is one informer callback.
type Item struct {
	// Source is the name the informer was watched under.
	Source string
	Op     Op
	// Obj is the object; nil for Synced, and possibly nil on a tombstone.
	Obj any
	// Key is the object's namespace/name (name for cluster-scoped ones);
	// empty for Synced.
	Key string
	// Tombstone is set on a Delete that client-go inferred from a relist
	// (DeletedFinalStateUnknown): Obj may be older than the object was.
	Tombstone bool
}
