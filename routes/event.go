package routes

import (
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/tagged"
)

// Event is an input to the machine. The set is sealed; each event encodes
// to JSON with a "type" member (see UnmarshalEvent).
type Event interface{ isEvent() }

// Desired replaces the whole desired state: every remote cluster, and the
// CNI interface's addresses used as the routes' preferred source.
//
// A source applies to the routes of its family only, so a dual-stack node
// lists one address per family in Sources. Source is the single address
// of earlier versions, still honoured: it counts as one more entry of
// Sources. Two different addresses of one family are rejected (the
// kernel takes one preferred source per route); the same address given
// twice is not.
type Desired struct {
	// Source is a preferred source address, the single one of earlier
	// versions; the zero Addr means none. Prefer Sources.
	Source netip.Addr `json:"source,omitzero"`
	// Sources are the preferred source addresses, at most one per
	// family; routes of a family with none get no preferred source.
	Sources []netip.Addr `json:"sources,omitempty"`
	// Remotes are all the remote clusters to route; a remote left out
	// has its routes deleted (once DesiredSynced has been seen).
	Remotes []Remote `json:"remotes"`
}

// DesiredSynced reports that the desired-state source has delivered its
// initial list. Before it nothing is deleted.
type DesiredSynced struct{}

// Dump reports what the kernel holds. Only a Complete dump (not
// interrupted, netlink.ErrDumpInterrupted) replaces the observed state;
// an incomplete one is ignored and answered with a Redump operation.
// Unowned entries are ignored.
type Dump struct {
	// Routes are the routes the kernel holds, owned or not.
	Routes []Route `json:"routes"`
	// Rules are the policy rules the kernel holds, owned or not.
	Rules []Rule `json:"rules"`
	// Complete says the dump was not interrupted; false makes the
	// machine ignore the dump and ask for a Redump.
	Complete bool `json:"complete"`
}

// RouteUpdate reports a route added or removed in the kernel, by us or by
// someone else; an owned route removed while desired is restored.
type RouteUpdate struct {
	// Route is the route as the kernel reports it.
	Route Route `json:"route"`
	// Deleted says the route was removed; false means added or
	// replaced.
	Deleted bool `json:"deleted,omitempty"`
}

// LinkUpdate reports a network device of the namespace, by index and
// name, created or changed (Deleted unset) or deleted. The machine acts
// only on names a remote's Device gives: a name seen at a new index moves
// that remote's routes there. Other devices cost a map lookup.
type LinkUpdate struct {
	// Index is the device's interface index.
	Index int `json:"index"`
	// Name is the device's name, matched against Remote.Device.
	Name string `json:"name"`
	// Deleted says the device was deleted; false means created or
	// changed.
	Deleted bool `json:"deleted,omitempty"`
}

// Applied reports the outcome of an operation, with its error classified
// by the adapter (Class OK for success).
type Applied struct {
	// Op is the write operation the machine returned, unchanged.
	Op Effect `json:"op"`
	// Class is the outcome: OK, or the kind of failure, which decides
	// whether and how soon the write is retried.
	Class Class `json:"class"`
	// Message is the error's text, kept in Failures and in the retry's
	// Message; empty on success.
	Message string `json:"message,omitempty"`
	// At is when the write completed, for traces; the machine does not
	// read it (it has no clock). The zero Time means unknown.
	At time.Time `json:"at,omitzero"`
}

// RetryDue reports that the delay of a RetryAfter operation has passed;
// the machine re-decides what its target needs now.
type RetryDue struct {
	// Op is the RetryAfter operation whose Delay has passed, unchanged.
	Op Effect `json:"op"`
}

func (Desired) isEvent()       {}
func (DesiredSynced) isEvent() {}
func (Dump) isEvent()          {}
func (RouteUpdate) isEvent()   {}
func (LinkUpdate) isEvent()    {}
func (Applied) isEvent()       {}
func (RetryDue) isEvent()      {}

type (
	desiredJSON       Desired
	desiredSyncedJSON DesiredSynced
	dumpJSON          Dump
	routeUpdateJSON   RouteUpdate
	linkUpdateJSON    LinkUpdate
	appliedJSON       Applied
	retryDueJSON      RetryDue
)

// MarshalJSON encodes the event with "type": "Desired".
func (e Desired) MarshalJSON() ([]byte, error) { return tagged.Marshal("Desired", desiredJSON(e)) }

// MarshalJSON encodes the event with "type": "DesiredSynced".
func (e DesiredSynced) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("DesiredSynced", desiredSyncedJSON(e))
}

// MarshalJSON encodes the event with "type": "Dump".
func (e Dump) MarshalJSON() ([]byte, error) { return tagged.Marshal("Dump", dumpJSON(e)) }

// MarshalJSON encodes the event with "type": "RouteUpdate".
func (e RouteUpdate) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("RouteUpdate", routeUpdateJSON(e))
}

// MarshalJSON encodes the event with "type": "LinkUpdate".
func (e LinkUpdate) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("LinkUpdate", linkUpdateJSON(e))
}

// MarshalJSON encodes the event with "type": "Applied".
func (e Applied) MarshalJSON() ([]byte, error) { return tagged.Marshal("Applied", appliedJSON(e)) }

// MarshalJSON encodes the event with "type": "RetryDue".
func (e RetryDue) MarshalJSON() ([]byte, error) { return tagged.Marshal("RetryDue", retryDueJSON(e)) }

var eventDecoders = tagged.Decoders[Event]{
	"Desired":       tagged.As(func(e desiredJSON) Event { return Desired(e) }),
	"DesiredSynced": tagged.As(func(e desiredSyncedJSON) Event { return DesiredSynced(e) }),
	"Dump":          tagged.As(func(e dumpJSON) Event { return Dump(e) }),
	"RouteUpdate":   tagged.As(func(e routeUpdateJSON) Event { return RouteUpdate(e) }),
	"LinkUpdate":    tagged.As(func(e linkUpdateJSON) Event { return LinkUpdate(e) }),
	"Applied":       tagged.As(func(e appliedJSON) Event { return Applied(e) }),
	"RetryDue":      tagged.As(func(e retryDueJSON) Event { return RetryDue(e) }),
}

// UnmarshalEvent decodes one event encoded by json.Marshal, such as a line
// of a recorded trace. The machine validates it when it steps.
func UnmarshalEvent(data []byte) (Event, error) { return eventDecoders.Decode(data) }
