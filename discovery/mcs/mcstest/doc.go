// Package mcstest is the test kit of package mcs: generators of
// per-object histories for ServiceExports, exported Services and
// ServiceImports, an interleaver that shuffles them while keeping each
// object's own events in order (imports before their exports, a restart
// between any two events: incident 001), a brute-force model of the
// imports and export conditions wanted, the KEP-1645 port rule, an
// invariant checker, rapid properties, and the shipped scenario files.
//
// RunFaults applies the machine's writes through a simulated API server
// that fails them, refuses them as conflicts or loses their answer
// (Unknown: landed or not), reports every outcome, and keeps one timer per
// retry key that fires after any number of later events. It checks that a
// superseded retry yields nothing, that a due retry yields the current
// decision or nothing, never the failed write's data, and that the world
// converges once failures stop.
package mcstest
