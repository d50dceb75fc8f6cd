package cni

import (
	"github.com/meshstate/meshstate/transcript"
)

// GoString formats the event as its transcript line (see package
// transcript): its type, then the fields of its JSON form as key=value.
// It is what %#v prints, so a failing test or a property's counterexample
// shows events a person can read and paste into a scenario file. JSON
// encoding and %v are unchanged.
func (e NodeReady) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as NodeReady.GoString.
func (e Snapshot) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as NodeReady.GoString.
func (e LinkChanged) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as NodeReady.GoString.
func (e LinkRemoved) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as NodeReady.GoString.
func (e AddrAdded) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as NodeReady.GoString.
func (e AddrRemoved) GoString() string { return transcript.GoString(e) }
