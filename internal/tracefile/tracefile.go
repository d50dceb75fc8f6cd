// Package tracefile writes the events an adapter feeds its machine as JSON
// lines, one event per line, which the machines' UnmarshalEvent functions
// and the test kits read back for replay.
package tracefile

import (
	"encoding/json"
	"io"
	"sync"
)

// Writer writes events to an io.Writer; a nil *Writer writes nothing, so
// adapters call it unconditionally. It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	enc *json.Encoder
	err error
}

// New returns a writer to w, or nil if w is nil.
func New(w io.Writer) *Writer {
	if w == nil {
		return nil
	}
	return &Writer{enc: json.NewEncoder(w)}
}

// Write appends ev as one line. After the first failure it writes nothing
// more and keeps returning that error: a trace with a gap would replay
// wrongly.
func (w *Writer) Write(ev any) error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = w.enc.Encode(ev)
	}
	return w.err
}
