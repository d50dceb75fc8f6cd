package cni

import (
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/tagged"
)

// Event is an input to the machine. The set is sealed; each event encodes
// to JSON with a "type" member (see UnmarshalEvent). Every event carries
// the time it was observed.
type Event interface{ isEvent() }

// NodeReady reports the node's Ready condition. It does not gate the
// search (an interface is usable whatever the node says) but tells the
// waiting condition what the machine is waiting for.
type NodeReady struct {
	// Ready is the node's Ready condition: true once the kubelet reports
	// the node ready.
	Ready bool `json:"ready"`
	// At is when the adapter observed it. The machine does not read it;
	// it dates the event in traces and scenario files.
	At time.Time `json:"at,omitzero"`
}

// Snapshot is a complete list of the host's links with their addresses:
// it replaces everything the machine knew. The adapter sends one at start
// and each time a RetryAfter fires (the relist is the retry).
type Snapshot struct {
	// Links are every link on the host with its addresses; a link left
	// out is gone.
	Links []Link `json:"links"`
	// At is when the adapter observed it. The machine does not read it;
	// it dates the event in traces and scenario files.
	At time.Time `json:"at,omitzero"`
}

// LinkChanged reports a link added or changed (name, up). Its Addrs are
// ignored: addresses come in AddrAdded and AddrRemoved.
type LinkChanged struct {
	// Link is the link as the kernel now reports it, identified by its
	// Index; its Addrs are ignored.
	Link Link `json:"link"`
	// At is when the adapter observed it. The machine does not read it;
	// it dates the event in traces and scenario files.
	At time.Time `json:"at,omitzero"`
}

// LinkRemoved reports a link deleted, with its addresses.
type LinkRemoved struct {
	// Index is the removed link's ifindex.
	Index int `json:"index"`
	// At is when the adapter observed it. The machine does not read it;
	// it dates the event in traces and scenario files.
	At time.Time `json:"at,omitzero"`
}

// AddrAdded reports an address added to a link. It may arrive before the
// link itself (separate netlink groups); the machine keeps it for the link.
type AddrAdded struct {
	// Index is the ifindex of the link that holds the address.
	Index int `json:"index"`
	// Address is the added address with its prefix length.
	Address netip.Prefix `json:"address"`
	// At is when the adapter observed it. The machine does not read it;
	// it dates the event in traces and scenario files.
	At time.Time `json:"at,omitzero"`
}

// AddrRemoved reports an address removed from a link.
type AddrRemoved struct {
	// Index is the ifindex of the link that held the address.
	Index int `json:"index"`
	// Address is the removed address with its prefix length.
	Address netip.Prefix `json:"address"`
	// At is when the adapter observed it. The machine does not read it;
	// it dates the event in traces and scenario files.
	At time.Time `json:"at,omitzero"`
}

func (NodeReady) isEvent()   {}
func (Snapshot) isEvent()    {}
func (LinkChanged) isEvent() {}
func (LinkRemoved) isEvent() {}
func (AddrAdded) isEvent()   {}
func (AddrRemoved) isEvent() {}

type (
	nodeReadyJSON   NodeReady
	snapshotJSON    Snapshot
	linkChangedJSON LinkChanged
	linkRemovedJSON LinkRemoved
	addrAddedJSON   AddrAdded
	addrRemovedJSON AddrRemoved
)

// MarshalJSON encodes the event with "type": "NodeReady".
func (e NodeReady) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("NodeReady", nodeReadyJSON(e))
}

// MarshalJSON encodes the event with "type": "Snapshot".
func (e Snapshot) MarshalJSON() ([]byte, error) { return tagged.Marshal("Snapshot", snapshotJSON(e)) }

// MarshalJSON encodes the event with "type": "LinkChanged".
func (e LinkChanged) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("LinkChanged", linkChangedJSON(e))
}

// MarshalJSON encodes the event with "type": "LinkRemoved".
func (e LinkRemoved) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("LinkRemoved", linkRemovedJSON(e))
}

// MarshalJSON encodes the event with "type": "AddrAdded".
func (e AddrAdded) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("AddrAdded", addrAddedJSON(e))
}

// MarshalJSON encodes the event with "type": "AddrRemoved".
func (e AddrRemoved) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("AddrRemoved", addrRemovedJSON(e))
}

var eventDecoders = tagged.Decoders[Event]{
	"NodeReady":   tagged.As(func(e nodeReadyJSON) Event { return NodeReady(e) }),
	"Snapshot":    tagged.As(func(e snapshotJSON) Event { return Snapshot(e) }),
	"LinkChanged": tagged.As(func(e linkChangedJSON) Event { return LinkChanged(e) }),
	"LinkRemoved": tagged.As(func(e linkRemovedJSON) Event { return LinkRemoved(e) }),
	"AddrAdded":   tagged.As(func(e addrAddedJSON) Event { return AddrAdded(e) }),
	"AddrRemoved": tagged.As(func(e addrRemovedJSON) Event { return AddrRemoved(e) }),
}

// UnmarshalEvent decodes one event encoded by json.Marshal, such as a line
// of a recorded trace. The machine validates it when it steps.
func UnmarshalEvent(data []byte) (Event, error) { return eventDecoders.Decode(data) }
