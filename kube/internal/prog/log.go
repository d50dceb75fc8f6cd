package prog

import (
	"io"
	"strconv"
	"sync"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"k8s.io/klog/v2"
)

// TimestampFormat is the format of every log line's "ts": RFC 3339 with
// microseconds and the zone offset.
const TimestampFormat = "2006-01-02T15:04:05.000000Z07:00"

// NewLogger returns the program's logger, writing to w one line per entry
// in format ("text": funcr's key="value" pairs, after the logger's name;
// "json": one JSON object), each with a "ts" timestamp, up to verbosity v.
// Lines are written whole, one at a time.
func NewLogger(w io.Writer, format string, v int) logr.Logger {
	var mu sync.Mutex
	write := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = io.WriteString(w, line+"\n")
	}
	opts := funcr.Options{LogTimestamp: true, TimestampFormat: TimestampFormat, Verbosity: v}
	if format == "json" {
		return funcr.NewJSON(write, opts)
	}
	return funcr.New(func(prefix, args string) {
		if prefix != "" {
			args = prefix + ": " + args
		}
		write(args)
	}, opts)
}

// RouteKlog makes klog, and so client-go, log through log: one pipeline,
// one format. klog's own verbosity threshold is set to v, so that
// klog.V(n) lines pass exactly when log.V(n) ones do. It changes
// process-global state: only main packages call it.
func RouteKlog(log logr.Logger, v int) {
	klog.SetLoggerWithOptions(log, klog.ContextualLogger(true))
	var lv klog.Level
	_ = lv.Set(strconv.Itoa(v)) // sets klog's global threshold; v >= 0, checked by Options.Check
}
