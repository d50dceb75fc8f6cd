package kernel

// Faults is the test seam: it fails the watcher's handle on demand.
type Faults struct{ f *faults }

// WithFaults returns cfg with a fault seam attached.
func WithFaults(cfg Config) (Config, Faults) {
	cfg.faults = &faults{}
	return cfg, Faults{cfg.faults}
}

// InterruptDumps makes the next n dumps fail with
// netlink.ErrDumpInterrupted.
func (f Faults) InterruptDumps(n int) { f.f.interrupts.Add(int64(n)) }

// EndSubscription closes the current subscription's sockets, as when the
// kernel ends it; false if none is open.
func (f Faults) EndSubscription() bool { return f.f.end() }

// Overflow reports ENOBUFS on the current subscription; false if none is
// open.
func (f Faults) Overflow() bool { return f.f.overflow() }

// TinyBuffers makes the subscriptions opened from now on hold only a few
// updates, so that a burst overflows them in the kernel (ENOBUFS).
func (f Faults) TinyBuffers() { f.f.tiny.Store(true) }
