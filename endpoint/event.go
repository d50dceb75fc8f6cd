package endpoint

import "github.com/meshstate/meshstate/internal/tagged"

// Event is an input to the machine: Upsert, Delete or Synced. The set is
// sealed; each event encodes to JSON with a "type" member (see UnmarshalEvent).
type Event interface {
	isEvent()
}

// Upsert reports an endpoint added or updated, as an informer's add and
// update callbacks and a relist deliver it.
type Upsert struct {
	// Endpoint is the endpoint as the informer delivers it, validated by
	// the machine; the machine takes ownership of its slices and maps.
	Endpoint Endpoint `json:"endpoint"`
}

// Delete reports that the named endpoint is gone. A non-empty UID must match
// the stored object's.
type Delete struct {
	// Name is the deleted endpoint's Name.
	Name string `json:"name"`
	// UID is the deleted object's UID; a non-empty one that differs from
	// the stored endpoint's makes the machine refuse the event
	// (ErrUIDMismatch), so a late delete of an old incarnation cannot
	// remove its successor. Empty matches any.
	UID string `json:"uid,omitempty"`
}

// Synced reports that the initial list is complete. Until it arrives the
// machine tracks endpoints but announces nothing, so a restart announces each
// cluster's active endpoint once instead of every endpoint the relist carries.
type Synced struct{}

func (Upsert) isEvent() {}
func (Delete) isEvent() {}
func (Synced) isEvent() {}

type (
	upsertJSON Upsert
	deleteJSON Delete
	syncedJSON Synced
)

// MarshalJSON encodes the event with "type": "Upsert".
func (e Upsert) MarshalJSON() ([]byte, error) { return tagged.Marshal("Upsert", upsertJSON(e)) }

// MarshalJSON encodes the event with "type": "Delete".
func (e Delete) MarshalJSON() ([]byte, error) { return tagged.Marshal("Delete", deleteJSON(e)) }

// MarshalJSON encodes the event with "type": "Synced".
func (e Synced) MarshalJSON() ([]byte, error) { return tagged.Marshal("Synced", syncedJSON(e)) }

var eventDecoders = tagged.Decoders[Event]{
	"Upsert": tagged.As(func(e upsertJSON) Event { return Upsert(e) }),
	"Delete": tagged.As(func(e deleteJSON) Event { return Delete(e) }),
	"Synced": tagged.As(func(e syncedJSON) Event { return Synced(e) }),
}

// UnmarshalEvent decodes one event encoded by json.Marshal, such as a line
// of a recorded trace. It does not validate the event; the machine does.
func UnmarshalEvent(data []byte) (Event, error) { return eventDecoders.Decode(data) }
