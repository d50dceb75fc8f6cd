package discovery

import "github.com/meshstate/meshstate/internal/tagged"

// VIPEvent is an input to the VIPMachine. The set is sealed; each event
// encodes to JSON with a "type" member (see UnmarshalVIPEvent).
type VIPEvent interface{ isVIPEvent() }

// ServiceUpsert reports a Service added, updated or relisted. A UID other
// than the stored one is a new incarnation and replaces it.
type ServiceUpsert struct {
	Service VIPService `json:"service"`
}

// ServiceDeleted reports that a Service is gone. A non-empty UID must match
// the stored one.
type ServiceDeleted struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	UID       string `json:"uid,omitempty"`
}

// SliceUpsert reports an EndpointSlice added, updated or relisted. It is
// kept whether or not its Service is known: dropping it is incident 004.
type SliceUpsert struct {
	Slice VIPSlice `json:"slice"`
}

// SliceDeleted reports that an EndpointSlice is gone. A non-empty UID must
// match the stored one.
type SliceDeleted struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	UID       string `json:"uid,omitempty"`
}

// ServicesSynced reports that the Service informer's initial list is
// complete (HasSynced).
type ServicesSynced struct{}

// SlicesSynced reports that the EndpointSlice informer's initial list is
// complete (HasSynced).
type SlicesSynced struct{}

func (ServiceUpsert) isVIPEvent()  {}
func (ServiceDeleted) isVIPEvent() {}
func (SliceUpsert) isVIPEvent()    {}
func (SliceDeleted) isVIPEvent()   {}
func (ServicesSynced) isVIPEvent() {}
func (SlicesSynced) isVIPEvent()   {}

type (
	serviceUpsertJSON  ServiceUpsert
	serviceDeletedJSON ServiceDeleted
	sliceUpsertJSON    SliceUpsert
	sliceDeletedJSON   SliceDeleted
	servicesSyncedJSON ServicesSynced
	slicesSyncedJSON   SlicesSynced
)

// MarshalJSON encodes the event with "type": "ServiceUpsert".
func (e ServiceUpsert) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ServiceUpsert", serviceUpsertJSON(e))
}

// MarshalJSON encodes the event with "type": "ServiceDeleted".
func (e ServiceDeleted) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ServiceDeleted", serviceDeletedJSON(e))
}

// MarshalJSON encodes the event with "type": "SliceUpsert".
func (e SliceUpsert) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("SliceUpsert", sliceUpsertJSON(e))
}

// MarshalJSON encodes the event with "type": "SliceDeleted".
func (e SliceDeleted) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("SliceDeleted", sliceDeletedJSON(e))
}

// MarshalJSON encodes the event with "type": "ServicesSynced".
func (e ServicesSynced) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ServicesSynced", servicesSyncedJSON(e))
}

// MarshalJSON encodes the event with "type": "SlicesSynced".
func (e SlicesSynced) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("SlicesSynced", slicesSyncedJSON(e))
}

var vipEventDecoders = tagged.Decoders[VIPEvent]{
	"ServiceUpsert":  tagged.As(func(e serviceUpsertJSON) VIPEvent { return ServiceUpsert(e) }),
	"ServiceDeleted": tagged.As(func(e serviceDeletedJSON) VIPEvent { return ServiceDeleted(e) }),
	"SliceUpsert":    tagged.As(func(e sliceUpsertJSON) VIPEvent { return SliceUpsert(e) }),
	"SliceDeleted":   tagged.As(func(e sliceDeletedJSON) VIPEvent { return SliceDeleted(e) }),
	"ServicesSynced": tagged.As(func(e servicesSyncedJSON) VIPEvent { return ServicesSynced(e) }),
	"SlicesSynced":   tagged.As(func(e slicesSyncedJSON) VIPEvent { return SlicesSynced(e) }),
}

// UnmarshalVIPEvent decodes one event encoded by json.Marshal, such as a
// line of a recorded trace. The machine validates it when it steps.
func UnmarshalVIPEvent(data []byte) (VIPEvent, error) { return vipEventDecoders.Decode(data) }
