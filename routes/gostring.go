package routes

import (
	"github.com/meshstate/meshstate/transcript"
)

// GoString formats the event as its transcript line (see package
// transcript): its type, then the fields of its JSON form as key=value.
// It is what %#v prints, so a failing test or a property's counterexample
// shows events a person can read and paste into a scenario file. JSON
// encoding and %v are unchanged.
func (e Desired) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as Desired.GoString.
func (e DesiredSynced) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as Desired.GoString.
func (e Dump) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as Desired.GoString.
func (e RouteUpdate) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as Desired.GoString.
func (e LinkUpdate) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as Desired.GoString.
func (e Applied) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as Desired.GoString.
func (e RetryDue) GoString() string { return transcript.GoString(e) }
