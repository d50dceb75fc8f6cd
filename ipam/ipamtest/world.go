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
	"github.com/meshstate/meshstate/lookup"
)

// Object is an owner as the simulated API server stores it.
type Object struct {
	// Owner identifies the object; a recreation gets a new UID.
	Owner ipam.Owner
	// CreatedAt is the creation time, as ipam.Observed.CreatedAt.
	CreatedAt time.Time
	// Want is how many addresses the owner asks for, as
	// ipam.Observed.Want.
	Want int
	// DependsOn marks an owner with an internal Service, as
	// ipam.Observed.DependsOn.
	DependsOn bool
	// Status is what the object's status records: what the machine's
	// successful writes put there.
	Status ipam.Status
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
// effects to them when told to, and keeps the requests and retries the
// adapter still owes the machine.
type World struct {
	Objects map[string]*Object // by namespace/name
	// Owed are the requests the adapter has yet to report on, oldest
	// first: writes, ensures and lookups. An owner's writes of one kind
	// complete in the order they were made, as an adapter that has one
	// request of a kind in flight per owner makes them.
	Owed []ipam.Effect
	// Due are the retries the machine scheduled, oldest first. They fire
	// in any order and arbitrarily late; a retry carries an owner and a
	// kind, never data.
	Due    []ipam.Effect
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
// adapter writes them with the status), retries become due, the rest are
// owed.
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
			w.Due = append(w.Due, e)
		}
	}
}

// Fire takes the i-th due retry and returns the event that reports it
// due, or nil if its owner is gone.
func (w *World) Fire(i int) ipam.Event {
	e := w.Due[i]
	w.Due = slices.Delete(w.Due, i, i+1)
	if o := w.Objects[e.Owner.String()]; o == nil || o.Owner.UID != e.Owner.UID {
		return nil
	}
	return ipam.RetryDue{Owner: e.Owner, Kind: e.Retry, At: w.Now()}
}

// first returns the index of the oldest owed request of the same owner
// and kind as the i-th: requests of one kind for one owner complete in
// order.
func (w *World) first(i int) int {
	e := w.Owed[i]
	for j := range i {
		if w.Owed[j].Owner == e.Owner && w.Owed[j].Kind == e.Kind {
			return j
		}
	}
	return i
}

// Settle completes an owed request with the given outcome and returns
// the event that reports it, or nil if its owner is gone. A request of
// an owner with an older one of the same kind completes that one
// instead. A Lookup answers with class, whatever the truth (a Found
// carries what the dependency holds): the machine must cope with any
// answer. An Unknown outcome has the write land if landed is set, and
// reports Unknown either way.
func (w *World) Settle(i int, outcome ipam.Outcome, class Class, landed bool) ipam.Event {
	i = w.first(i)
	e := w.Owed[i]
	w.Owed = slices.Delete(w.Owed, i, i+1)
	o := w.Objects[e.Owner.String()]
	if o == nil || o.Owner.UID != e.Owner.UID {
		return nil
	}
	at := w.Now()
	if e.Kind == ipam.Lookup {
		c := class.Lookup()
		if class == Truth {
			c = lookup.Found
			if o.Dependency == nil {
				c = lookup.NotFound
			}
		}
		ev := ipam.LookupResult{Owner: e.Owner, Class: c, Message: "simulated", At: at}
		if c == lookup.Found {
			ev.Addresses = slices.Clone(o.Dependency)
		}
		return ev
	}
	if outcome == ipam.Done || outcome == ipam.Unknown && landed {
		w.apply(o, e)
	}
	ev := ipam.Applied{Owner: e.Owner, Effect: e.Kind, Outcome: outcome, Addresses: e.Addresses, At: at}
	if outcome == ipam.Failed {
		ev.Class = class.Lookup()
	}
	return ev
}

func (w *World) apply(o *Object, e ipam.Effect) {
	if e.Kind == ipam.WriteStatus {
		o.Status.Addresses = slices.Clone(e.Addresses)
	} else {
		o.Dependency = slices.Clone(e.Addresses)
	}
}

// Ask owes a Lookup of o's dependency that the machine did not ask for,
// as an adapter's Service informer asks one when the Service changes.
func (w *World) Ask(o *Object) {
	w.Owed = append(w.Owed, ipam.Effect{Kind: ipam.Lookup, Owner: o.Owner})
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

// Recorded checks the world itself: no two live objects' statuses record
// one address, and, if services is set, no two internal Services carry
// one address and none carries an address another object's status
// records.
func (w *World) Recorded(services bool) error {
	status := map[netip.Addr]string{}
	for _, name := range w.Names() {
		for _, a := range w.Objects[name].Status.Addresses {
			if other, dup := status[a]; dup {
				return fmt.Errorf("world: %v recorded by the statuses of %s and %s", a, other, name)
			}
			status[a] = name
		}
	}
	if !services {
		return nil
	}
	svc := map[netip.Addr]string{}
	for _, name := range w.Names() {
		for _, a := range w.Objects[name].Dependency {
			if other, dup := svc[a]; dup {
				return fmt.Errorf("world: %v carried by the Services of %s and %s", a, other, name)
			}
			svc[a] = name
			if other, ok := status[a]; ok && other != name {
				return fmt.Errorf("world: %v carried by the Service of %s and recorded by the status of %s", a, name, other)
			}
		}
	}
	return nil
}

// Condition returns the object's condition of the given type, for checks.
func (o *Object) Condition(typ string) *metav1.Condition {
	return meta.FindStatusCondition(o.Status.Conditions, typ)
}
