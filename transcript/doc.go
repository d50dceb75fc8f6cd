// Package transcript reads, writes and replays transcripts: a machine's
// events, one line each, with the effects each must cause written under
// it. The test kits ship their field incidents and peer cases as
// transcripts (testdata/scenarios/*.txt), and a kit's generated steps
// print as transcript lines, so the counterexample of a failing property
// can be pasted into a file and replayed.
//
// # Format
//
// A transcript reads like a datadriven test file:
//
//	title: A transient lookup error on restart must not release a live global IP
//	incident: 003
//	story: On controller restart the controller looks up its internal Service.
//	  A transient API error was taken for "the Service does not exist".
//	config: prefixes=[242.254.1.0/24]
//
//	# synced: the recorded addresses are kept, and the Services looked up
//	Synced at=2025-06-30T20:04:26Z
//	----
//	Lookup default/gip-nginx
//	Lookup default/gip-redis
//
//	LookupResult owner.namespace=default owner.name=gip-nginx owner.uid=u-1 class=Transient \
//	    message="etcdserver: request timed out" at=2025-06-30T20:04:27Z
//	----
//	SetCondition default/gip-nginx DependencyReady=False/LookupFailed
//	RetryAfter default/gip-nginx Lookup 904.031995ms
//
//	Delete name=nobody
//	----
//	error: ErrUnknownEndpoint
//
// The header is "key: value" lines (title, incident, story and config, all
// optional), a value continued on indented lines, ended by a blank line.
// Then come the steps, apart by blank lines. A step is:
//
//   - optional "# " comment lines, the step's note;
//   - the event line: the event's type, then its fields as key=value. A
//     long line is continued on the next with a final " \";
//   - the separator "----", then the effects the event must cause, one a
//     line in its String form, in order, and "error: ErrName" if the
//     event must be refused with that sentinel error. Nothing under the
//     separator means no effect and no error; a step without a separator
//     expects the same, and rewrite mode adds it.
//
// The line "restart" in place of an event replaces the machine with a
// fresh one built from the same configuration, as a controller restart
// does.
//
// # Event lines
//
// An event line is the event's trace JSON form (what its MarshalJSON
// writes and the machine's UnmarshalEvent reads) flattened, so that one
// codec serves every machine: the "type" member is the first word; a
// nested member is a dotted key (owner.name=web); a list of scalars is
// bracketed and comma-joined (subnets=[10.2.0.0/16,100.2.0.0/16]); a list
// of objects is indexed (status.conditions.0.type=Allocated); an empty
// object or list is {} or []. Numbers, true, false and null are written
// bare; a string is written bare unless it is empty, holds a space or
// punctuation, or would read as a number or boolean, and then it is
// quoted, Go style (uid="1", message="not found"). Format writes an event
// as a line and Parse reads one back; Parse rejects a key the event's
// JSON form does not have, since a misspelt field would otherwise read as
// an empty one.
//
// # Replaying
//
// A Kit says how to start a machine and read its events; Replay runs a
// File through it and reports the first step that departs from the
// transcript, as name:line; Record runs it and returns the file with the
// actual effects and errors as its expectations, which is what the test
// kits' rewrite mode writes back to disk:
//
//	go test ./ipam/ipamtest/ -run TestScenarios -rewrite
package transcript
