package vip

import "github.com/meshstate/meshstate/transcript"

// GoString formats the event as its transcript line (see package
// transcript): its type, then the fields of its JSON form as key=value.
// It is what %#v prints, so a failing test or a property's counterexample
// shows events a person can read and paste into a scenario file. JSON
// encoding and %v are unchanged.
func (e ServiceUpsert) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as ServiceUpsert.GoString.
func (e ServiceDeleted) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as ServiceUpsert.GoString.
func (e SliceUpsert) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as ServiceUpsert.GoString.
func (e SliceDeleted) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as ServiceUpsert.GoString.
func (e ServicesSynced) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as ServiceUpsert.GoString.
func (e SlicesSynced) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as ServiceUpsert.GoString.
func (e Applied) GoString() string { return transcript.GoString(e) }

// GoString formats the event as its transcript line, as ServiceUpsert.GoString.
func (e RetryDue) GoString() string { return transcript.GoString(e) }
