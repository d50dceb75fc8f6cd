// Package adapter holds what the Kubernetes adapters of the discovery
// machines, vipkube and mcskube, have in common in their API: the Status
// snapshot their Status methods return, the failures kept in it
// (*WatchError, *WriteError), and the sentinel errors their constructors
// and Run methods wrap (ErrInvalidConfig, ErrStarted, ErrMalformed).
//
// It has no adapter of its own; test the errors either package returns
// with errors.Is and errors.As against the values and types here.
package adapter
