package kernel

import (
	"sync/atomic"

	"github.com/vishvananda/netlink"
)

// InterruptDumps makes the next n dumps of a fail as the kernel's
// NLM_F_DUMP_INTR does, which no test can provoke on demand. Call it
// before Sync or Run.
func InterruptDumps(a *Adapter, n int) {
	var left atomic.Int64
	left.Store(int64(n))
	a.dumpFault = func() error {
		if left.Add(-1) >= 0 {
			return netlink.ErrDumpInterrupted
		}
		return nil
	}
}

// SetWatchBuffer sets the subscription's receive buffer (bytes), so that
// a test can make it overflow. Call it before Run.
func SetWatchBuffer(a *Adapter, bytes int) { a.watchBuffer = bytes }

// FailWrites makes the next n route writes of a fail with err before they
// reach the kernel, as a failure the adapter hears of no event about
// would. Call it before Sync or Run.
func FailWrites(a *Adapter, n int, err error) {
	var left atomic.Int64
	left.Store(int64(n))
	a.writeFault = func() error {
		if left.Add(-1) >= 0 {
			return err
		}
		return nil
	}
}
