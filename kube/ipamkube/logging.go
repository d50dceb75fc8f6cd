package ipamkube

import (
	"context"
	"fmt"
	"sync"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/meshstate/meshstate/lookup"
)

// warningLog logs the API server's warnings through the adapter's logger,
// each distinct text once (up to a bound, then it starts over), instead
// of client-go's default of one klog line per response.
type warningLog struct {
	log  logr.Logger
	mu   sync.Mutex
	seen map[string]struct{}
}

func newWarningLog(log logr.Logger) *warningLog {
	return &warningLog{log: log, seen: map[string]struct{}{}}
}

// HandleWarningHeaderWithContext implements rest.WarningHandlerWithContext.
func (w *warningLog) HandleWarningHeaderWithContext(_ context.Context, code int, _ string, text string) {
	if code != 299 || text == "" { // 299 is the only code Kubernetes warnings use
		return
	}
	w.mu.Lock()
	_, seen := w.seen[text]
	if !seen {
		if len(w.seen) >= 64 {
			clear(w.seen)
		}
		w.seen[text] = struct{}{}
	}
	w.mu.Unlock()
	if !seen {
		w.log.Info("API server warning", "warning", text)
	}
}

func (s *session) noteError(op string, class lookup.Class, err error) { s.a.noteError(op, class, err) }

func (a *Adapter) noteError(op string, class lookup.Class, err error) {
	if err != nil {
		a.errs.note(&APIError{Op: op, Class: class, At: a.cfg.Clock(), Err: err}, true)
	}
}

// recordError keeps a failure that was logged already, for State.
func (a *Adapter) recordError(op string, class lookup.Class, err error) {
	if err != nil {
		a.errs.note(&APIError{Op: op, Class: class, At: a.cfg.Clock(), Err: err}, false)
	}
}

// errorLog keeps the latest failure and logs each kind of failure once:
// a refused request retried for hours, or an outage failing every
// owner's requests, would otherwise flood the log.
type errorLog struct {
	log    logr.Logger
	mu     sync.Mutex
	latest *APIError
	said   map[string]struct{}
}

func (l *errorLog) note(e *APIError, log bool) {
	l.mu.Lock()
	l.latest = e
	if !log {
		l.mu.Unlock()
		return
	}
	// One line per kind of failure, not per object: the messages of a
	// refusal name the object, and a missing rule refuses them all.
	k := fmt.Sprint(e.Op, "/", e.Class, "/", apierrors.ReasonForError(e.Err))
	_, said := l.said[k]
	if !said {
		if l.said == nil || len(l.said) >= 256 {
			l.said = map[string]struct{}{}
		}
		l.said[k] = struct{}{}
	}
	l.mu.Unlock()
	switch {
	case said:
		l.log.V(1).Info("API request failed again", "op", e.Op, "class", e.Class.String(), "error", e.Err.Error())
	case e.Class == lookup.Permanent:
		l.log.Error(e.Err, "API request refused; retrying slowly", "op", e.Op, "class", e.Class.String())
	default:
		l.log.Info("API request failed; retrying", "op", e.Op, "class", e.Class.String(), "error", e.Err.Error())
	}
}

func (l *errorLog) last() *APIError {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.latest
}
