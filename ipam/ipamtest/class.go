package ipamtest

import (
	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/lookup"
)

// Class picks a lookup class in generated sessions.
type Class uint8

// Lookup returns the lookup class c stands for.
func (c Class) Lookup() lookup.Class {
	return [...]lookup.Class{lookup.Found, lookup.NotFound, lookup.Conflict, lookup.Transient, lookup.Permanent}[c%5]
}

// Truth answers a lookup with what the world holds: Found if the
// dependency exists, NotFound if not.
const Truth Class = 255

// lastOutcome is the last outcome sessions draw.
const lastOutcome = ipam.Unknown
