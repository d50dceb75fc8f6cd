// Package discoverytest holds the test kit of package discovery: generators
// of per-object histories for Services, EndpointSlices, ServiceExports and
// ServiceImports, interleavers that shuffle them while keeping each object's
// own events in order (slices before their Service, imports before their
// exports: incidents 004 and 001), brute-force models of the desired VIP
// and import sets, invariant checkers, rapid properties, and the shipped
// scenario files.
package discoverytest
