// Package ipamtest drives the ipam machine through generated sessions
// against a simulated API server and checks its invariants: what a
// controller author runs in CI to trust the allocator, and extends with
// checks of their own adapter.
package ipamtest

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
)

// Object is an owner as the simulated API server stores it.
type Object struct {
	Owner     ipam.Owner
	CreatedAt time.Time
	Want      int
	DependsOn bool
	Status    ipam.Status
	// Dependency holds the addresses of the owner's internal Service, if
	// one exists.
	Dependency []netip.Addr
}

// Observed is the event an informer delivers for the object.
func (o *Object) Observed(at time.Time) ipam.Observed {
	return ipam.Observed{Owner: o.Owner, CreatedAt: o.CreatedAt, Want: o.Want, DependsOn: o.DependsOn,
		Status: ipam.Status{Addresses: slices.Clone(o.Status.Addresses), Conditions: slices.Clone(o.Status.Conditions)}, At: at}
}

// World is a simulated API server and adapter: it stores objects, applies
// effects to them when told to, and keeps the lookups and outcomes the
// adapter still owes the machine.
type World struct {
	Objects map[string]*Object // by namespace/name
	// Owed are the effects the adapter has yet to report on, oldest first:
	// writes, ensures and lookups.
	Owed   []ipam.Effect
	serial int
	clock  time.Time
}

// NewWorld returns an empty world whose clock starts at epoch.
func NewWorld(epoch time.Time) *World {
	return &World{Objects: map[string]*Object{}, clock: epoch}
}

// Now advances the world's clock by a second and returns it.
func (w *World) Now() time.Time {
	w.clock = w.clock.Add(time.Second)
	return w.clock
}

// Create stores a new object and returns it.
func (w *World) Create(namespace string, want int, dependsOn bool) *Object {
	w.serial++
	o := &Object{
		Owner:     ipam.Owner{Namespace: namespace, Name: fmt.Sprintf("gip-%d", w.serial), UID: fmt.Sprintf("uid-%d", w.serial)},
		CreatedAt: w.Now(), Want: want, DependsOn: dependsOn,
	}
	w.Objects[o.Owner.String()] = o
	return o
}

// Names returns the stored objects' namespace/names, sorted.
func (w *World) Names() []string { return slices.Sorted(maps.Keys(w.Objects)) }

// Take records the effects a step returned: conditions land at once (an
// adapter writes them with the status), the rest are owed.
func (w *World) Take(effects []ipam.Effect) {
	for _, e := range effects {
		o := w.Objects[e.Owner.String()]
		switch {
		case o == nil || o.Owner.UID != e.Owner.UID:
		case e.Kind == ipam.SetCondition:
			meta.SetStatusCondition(&o.Status.Conditions, e.Condition)
		case e.Kind == ipam.WriteStatus, e.Kind == ipam.EnsureDependency, e.Kind == ipam.Lookup:
			w.Owed = append(w.Owed, e)
		case e.Kind == ipam.RetryAfter:
			// The delay elapses at once in the simulation.
			w.Owed = append(w.Owed, ipam.Effect{Kind: e.Retry, Owner: e.Owner, Addresses: e.Addresses})
		}
	}
}

// Settle applies an owed effect with the given outcome and returns the
// event that reports it, or nil if its owner is gone. A Lookup answers
// with class, whatever the truth: the machine must cope with any answer.
func (w *World) Settle(i int, outcome ipam.Outcome, class Class) ipam.Event {
	e := w.Owed[i]
	w.Owed = slices.Delete(w.Owed, i, i+1)
	o := w.Objects[e.Owner.String()]
	if o == nil || o.Owner.UID != e.Owner.UID {
		return nil
	}
	at := w.Now()
	if e.Kind == ipam.Lookup {
		return ipam.LookupResult{Owner: e.Owner, Class: class.Lookup(), Message: "simulated", At: at}
	}
	if outcome == ipam.Done {
		if e.Kind == ipam.WriteStatus {
			o.Status.Addresses = slices.Clone(e.Addresses)
		} else {
			o.Dependency = slices.Clone(e.Addresses)
		}
	}
	ev := ipam.Applied{Owner: e.Owner, Effect: e.Kind, Outcome: outcome, At: at}
	if e.Kind == ipam.WriteStatus {
		ev.Addresses = e.Addresses
	}
	if outcome == ipam.Failed {
		ev.Class = class.Lookup()
	}
	return ev
}

// Relist returns the events a restarted informer delivers: every object,
// in the given order of names, then Synced.
func (w *World) Relist(names []string) []ipam.Event {
	var out []ipam.Event
	for _, n := range names {
		out = append(out, w.Objects[n].Observed(w.Now()))
	}
	return append(out, ipam.Synced{At: w.Now()})
}

// Conditions returns the object's conditions of the given type, for checks.
func (o *Object) Condition(typ string) *metav1.Condition {
	return meta.FindStatusCondition(o.Status.Conditions, typ)
}
