package loop

import (
	"fmt"
	"io"
	"sync/atomic"

	"github.com/go-logr/logr"

	"github.com/meshstate/meshstate/internal/tracefile"
	"github.com/meshstate/meshstate/kube/internal/informer"
)

// Reporter records the events an adapter steps its machine with, as a
// trace the machine's UnmarshalEvent and test kit replay, and logs what
// the adapter could not step: objects that did not convert and events the
// machine rejected. Every adapter reports these the same way. It is safe
// for concurrent use; a nil *Reporter reports nothing.
type Reporter struct {
	log    logr.Logger
	trace  *tracefile.Writer
	failed atomic.Bool
}

// NewReporter returns a reporter that logs to log and traces to trace (no
// trace if trace is nil).
func NewReporter(log logr.Logger, trace io.Writer) *Reporter {
	return &Reporter{log: log, trace: tracefile.New(trace)}
}

// Record writes ev to the trace; adapters call it for every event they
// step, rejected ones included, since replay must see the same sequence. A
// trace with a gap would replay wrongly, so after a failed write the trace
// stops, and that is logged once.
func (r *Reporter) Record(ev any) {
	if r == nil {
		return
	}
	if err := r.trace.Write(ev); err != nil && r.failed.CompareAndSwap(false, true) {
		r.log.Error(err, "trace write failed; tracing stopped")
	}
}

// Rejected logs ev's rejection by the machine, if err is not nil, and
// reports whether it was rejected. A rejected event leaves the machine
// unchanged; the adapter goes on.
func (r *Reporter) Rejected(ev any, err error) bool {
	if err == nil {
		return false
	}
	if r != nil {
		r.log.Error(err, "event rejected by the machine", "event", fmt.Sprintf("%T", ev))
	}
	return true
}

// Skipped logs an item whose object could not be converted into an event;
// the adapter skips it.
func (r *Reporter) Skipped(it informer.Item, err error) {
	if r != nil {
		r.log.Error(err, "object skipped", "source", it.Source, "key", it.Key)
	}
}
