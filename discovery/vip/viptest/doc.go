// Package viptest is the test kit of package vip: generators of
// per-object histories for Services and EndpointSlices, an interleaver that
// shuffles them while keeping each object's own events in order (slices
// before their Service: incident 004), a brute-force model of the desired
// VIP set, an invariant checker, rapid properties, and the shipped scenario
// files.
//
// Fault runs (RunFaults, FaultProperty) apply the machine's writes through
// a simulated Announcer that fails them or loses their answer (Unknown:
// landed or not), report every outcome, and keep one timer per retry key
// that fires after any number of later events. They check that a
// superseded retry yields nothing, that a due retry yields the current
// decision or nothing, never the failed write's data, and that the
// announcer converges once failures stop.
package viptest
