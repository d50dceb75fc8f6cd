package endpoint

import (
	"github.com/meshstate/meshstate/transcript"
)

// GoString formats the event as its transcript line (see package
// transcript), such as
//
//	Upsert endpoint: name=east-gw-2 clusterID=east createdAt=2025-06-30T20:04:23Z sequence=2
//
// the fields of its JSON form that are set, flattened. It is what %#v
// prints, so a property test's counterexample (rapid logs its draws with
// %#v) lists events a person can read and paste into a scenario file.
// JSON encoding and %v are unchanged.
func (e Upsert) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line:
// "Delete name=east-gw-1" or "Delete name=east-gw-1 uid=u1".
func (e Delete) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line: "Synced".
func (e Synced) GoString() string { return transcript.GoString(e) }
