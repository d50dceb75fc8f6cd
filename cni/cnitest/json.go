package cnitest

import (
	"encoding/json"

	"github.com/meshstate/meshstate/cni"
)

// RoundTrip encodes ev as a trace records it and decodes it back.
func RoundTrip(ev cni.Event) (cni.Event, error) {
	data, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return cni.UnmarshalEvent(data)
}
