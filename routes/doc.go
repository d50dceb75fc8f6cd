// Package routes reconciles the routes and policy rules a multi-cluster
// route agent owns in the kernel: remote clusters' subnets routed via a
// gateway or a device, in a table of their own, and the rules steering
// traffic to that table.
//
// The Machine is pure: no goroutines, no clock, no randomness, no I/O. It
// is fed the desired remotes (Desired, DesiredSynced), what the kernel
// holds (Dump, RouteUpdate, and LinkUpdate for the devices remotes name)
// and the outcome of each operation (Applied, RetryDue), and returns the
// minimal Operations that bring the kernel to the desired state. It never
// touches what does not carry the ownership marker of its Config (protocol
// and table); it deletes only after the desired source has synced and only
// from a complete dump; it counts an operation as done only once the
// adapter reports success, and retries failures with backoff. A route that
// would hijack local traffic (overlapping the pod or service CIDRs, or a
// default route) is refused with ErrHijack.
//
// A Desired gives one preferred source per family (Sources, or the older
// single Source), so that dual stack gets one in each. A remote routed
// through a device may name it (Remote.Device): when the device is
// created again at another index, the routes follow it.
//
// routes/kernel is the netlink adapter; routes/routestest the test kit.
package routes
