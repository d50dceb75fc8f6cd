// Package discoverytest holds the test kit of package discovery: generators
// of per-object histories for Services, EndpointSlices, ServiceExports and
// ServiceImports, interleavers that shuffle them while keeping each object's
// own events in order (slices before their Service, imports before their
// exports: incidents 004 and 001), brute-force models of the desired VIP
// and import sets, invariant checkers, rapid properties, and the shipped
// scenario files. Fault runs (RunVIPFaults and VIPFaultProperty,
// RunExportFaults) apply the machines' writes through a simulated
// Announcer or API server that fails them, refuses them as conflicts or
// loses their answer (Unknown: landed or not), report every outcome, and
// keep one timer per retry key that fires after any number of later events;
// they check that a superseded retry yields nothing, that a due retry
// yields the current decision or nothing, never the failed write's data,
// and that the world converges once failures stop.
package discoverytest
