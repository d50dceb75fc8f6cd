// Package kernel is the netlink adapter of package routes: it dumps the
// owned routes and rules of one network namespace, always through a
// *netlink.Handle bound to it, feeds them and the kernel's route updates
// to a routes.Machine, applies the operations it returns and reports
// their classified outcomes back, and schedules its retries.
//
// A dump interrupted by concurrent changes (netlink.ErrDumpInterrupted) is
// reported as incomplete, which the machine never prunes from; the adapter
// dumps again.
package kernel
