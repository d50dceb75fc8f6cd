// Package endpointtest is the test kit of package endpoint, for the
// machine's authors and for anyone writing an endpoint.Handler: a generator
// of event streams as an API server and informer deliver them (Stream:
// endpoints whose timestamps tie, gateway restarts, stale updates, relists,
// controller restarts), a naive reference Model, a Checker of the
// notification stream's invariants that can sit in front of any handler,
// and the rapid properties built on them (HandlerProperty checks a user's
// own handler against what it was told; ServedProperty checks which
// endpoint each cluster is served by). Run and Check replay a stream
// against the machine; Scenarios returns the shipped field incidents and
// peer bugs (transcripts, see package transcript), replayable against the
// machine and any handler, and ParseScenario reads one of your own; a
// generated stream prints as a transcript, so a property's counterexample
// pastes into a scenario file; WriteTrace and ReadTrace record and replay
// the events an adapter saw in the field.
package endpointtest
