package kernel

import "errors"

// ErrSubscriptionEnded says the kernel closed a subscription, or it
// overflowed (ENOBUFS), so updates may have been lost. Run no longer
// returns it: it reopens the subscription and relists, and records the
// cause in Status.LastError, which wraps this error.
var ErrSubscriptionEnded = errors.New("cni/kernel: netlink subscription ended")

// ErrRunning is returned by Watcher.Run while another Run of the same
// watcher is in progress: one machine, one loop.
var ErrRunning = errors.New("cni/kernel: watcher already running")
