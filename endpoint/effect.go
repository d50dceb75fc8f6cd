package endpoint

import "github.com/meshstate/meshstate/internal/enum"

// Kind says what a Effect announces.
type Kind uint8

// The notification kinds. Every endpoint that is announced (a Created kind) is
// retired exactly once after its deletion: by the Removed kind of its side, or,
// if a newer endpoint of its cluster had superseded it, by the Stale kind. An
// endpoint superseded and not yet deleted is announced again if it becomes
// active again (its superseder was deleted first); its retirement is still
// one. Local gateway failover therefore ends in StaleLocalEndpointRemoved,
// not LocalEndpointRemoved: see the package documentation.
const (
	LocalEndpointCreated Kind = iota + 1
	LocalEndpointUpdated
	LocalEndpointRemoved
	StaleLocalEndpointRemoved
	RemoteEndpointCreated
	RemoteEndpointUpdated
	RemoteEndpointRemoved
	StaleRemoteEndpointRemoved
)

var kindNames = [...]string{
	LocalEndpointCreated:       "LocalEndpointCreated",
	LocalEndpointUpdated:       "LocalEndpointUpdated",
	LocalEndpointRemoved:       "LocalEndpointRemoved",
	StaleLocalEndpointRemoved:  "StaleLocalEndpointRemoved",
	RemoteEndpointCreated:      "RemoteEndpointCreated",
	RemoteEndpointUpdated:      "RemoteEndpointUpdated",
	RemoteEndpointRemoved:      "RemoteEndpointRemoved",
	StaleRemoteEndpointRemoved: "StaleRemoteEndpointRemoved",
}

// String implements fmt.Stringer.
func (k Kind) String() string { return enum.Name(kindNames[:], k, "Kind") }

// Local reports whether k concerns the local cluster's endpoints.
func (k Kind) Local() bool { return k >= LocalEndpointCreated && k <= StaleLocalEndpointRemoved }

// Announces reports whether k announces a newly active endpoint.
func (k Kind) Announces() bool { return k == LocalEndpointCreated || k == RemoteEndpointCreated }

// Retires reports whether k retires an announced endpoint.
func (k Kind) Retires() bool {
	switch k {
	case LocalEndpointRemoved, StaleLocalEndpointRemoved, RemoteEndpointRemoved, StaleRemoteEndpointRemoved:
		return true
	}
	return false
}

// Stale reports whether k retires a superseded endpoint.
func (k Kind) Stale() bool { return k == StaleLocalEndpointRemoved || k == StaleRemoteEndpointRemoved }

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return enum.Marshal(kindNames[:], k, "endpoint.Kind") }

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[Kind](kindNames[:], b, "endpoint.Kind")
	return err
}

// Effect is an output of the machine: what handlers are told, a
// notification in Submariner's words. Its Endpoint shares slices and maps
// with the machine and must not be modified.
type Effect struct {
	// Kind says what happened, and so which handler method receives it.
	Kind Kind `json:"type"`
	// Endpoint is the endpoint concerned: for the Removed kinds, its last
	// stored version.
	Endpoint Endpoint `json:"endpoint"`
}

// String gives the kind and endpoint name, as scenario files write them.
func (n Effect) String() string { return n.Kind.String() + " " + n.Endpoint.Name }

// Notification is the former name of Effect.
//
// Deprecated: use Effect, the name every machine gives its outputs.
type Notification = Effect
