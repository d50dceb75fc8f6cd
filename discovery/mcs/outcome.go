package mcs

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/meshstate/meshstate/internal/attempts"
)

// applied acts on the outcome of an import write or delete, or of an
// export's condition write. Done ends the key's retries; anything else
// schedules a retry keyed by the service and kind, carrying no decision.
// An Unknown import write stays in flight: the write may have landed, so
// the machine neither takes the observed import for the server's state
// nor asks again before the retry is due or a newer observation shows
// what the server holds. An outcome of a write that an observation or a
// newer effect has overtaken changes nothing.
func (m *Machine) applied(dst []Effect, ev *Applied) ([]Effect, error) {
	if err := ev.validate(); err != nil {
		return dst, err
	}
	if !m.synced() {
		return dst, nil // nothing was emitted yet: the outcome matches nothing
	}
	k := exportKey{ev.Namespace, ev.Name}
	if ev.Effect == ExportSetCondition {
		ex := m.exports[k]
		switch {
		case ex == nil:
			return dst, nil // the export is gone: nothing to retry
		case ev.Outcome == Done:
			ex.retry = attempts.Attempts{}
			return dst, nil
		}
		d := m.sched.Failed(&ex.retry, ev.Outcome, ev.Class, "conditions "+k.String())
		return append(dst, m.retryAfter(k, RetryConditions, d)), nil
	}
	o := m.owned[k]
	if o == nil || (ev.Effect == ImportUpsert) != (o.sent == sentUpsert) || (ev.Effect == ImportDelete) != (o.sent == sentDelete) {
		return dst, nil // overtaken: observed since, or asked for otherwise
	}
	switch ev.Outcome {
	case Done:
		// Still in flight until observed; only the retries end here.
		o.retry, o.doubt = attempts.Attempts{}, false
		return dst, nil
	case Unknown:
		o.doubt = true
	}
	d := m.sched.Failed(&o.retry, ev.Outcome, ev.Class, "import "+k.String())
	return append(dst, m.retryAfter(k, RetryImport, d)), nil
}

func (m *Machine) retryAfter(k exportKey, kind RetryKind, d time.Duration) Effect {
	return Effect{Kind: RetryAfter, Namespace: k.namespace, Name: k.name, Retry: kind, Delay: d}
}

// retryDue decides a due retry from what the machine holds now: the
// conditions it holds for the export, or the import the export asks for
// (or its deletion). A retry that a newer effect, an observation or a Done
// outcome superseded, or that is due a second time, yields nothing.
func (m *Machine) retryDue(dst []Effect, ev *RetryDue) ([]Effect, error) {
	if err := ev.validate(); err != nil {
		return dst, err
	}
	k := exportKey{ev.Namespace, ev.Name}
	if ev.Kind == RetryConditions {
		ex := m.exports[k]
		if ex == nil || !ex.retry.Pending {
			return dst, nil
		}
		ex.retry.Pending = false
		for _, typ := range [...]string{ExportConditionValid, ExportConditionConflict} {
			if c := meta.FindStatusCondition(ex.conds, typ); c != nil {
				dst = append(dst, Effect{Kind: ExportSetCondition, Namespace: k.namespace, Name: k.name, Condition: *c})
			}
		}
		return dst, nil
	}
	o := m.owned[k]
	if o == nil || !o.retry.Pending {
		return dst, nil
	}
	o.retry.Pending = false
	var want Import
	valid := false
	if ex := m.exports[k]; ex != nil {
		want, valid = m.desired(k, ex)
	}
	switch {
	case valid && o.have && o.observed.Equal(want) && !o.doubt:
		o.sent = sentNone // the failed write is moot: the server holds what is wanted
		return dst, nil
	case valid:
		return m.askUpsert(dst, o, want), nil
	case o.have:
		return m.askDelete(dst, k, o), nil
	}
	// Nothing observed to delete. A create whose outcome was unknown is
	// deleted when the informer shows it, like any create in flight.
	delete(m.owned, k)
	return dst, nil
}

func (ev *Applied) validate() error {
	if err := validateExportName(ev.Namespace, ev.Name, ErrInvalidEvent, ""); err != nil {
		return err
	}
	bad := func(field, reason string) error {
		return &RejectedError{Namespace: ev.Namespace, Name: ev.Name, Field: field, Reason: reason, Err: ErrInvalidEvent}
	}
	switch ev.Effect {
	case ImportUpsert, ImportDelete, ExportSetCondition:
	default:
		return bad("effect", fmt.Sprintf("%v has no outcome", ev.Effect))
	}
	if field, r := attempts.Problem(ev.Outcome, ev.Class); r != "" {
		return bad(field, r)
	}
	return nil
}

func (ev *RetryDue) validate() error {
	if err := validateExportName(ev.Namespace, ev.Name, ErrInvalidEvent, ""); err != nil {
		return err
	}
	if ev.Kind != RetryImport && ev.Kind != RetryConditions {
		return &RejectedError{Namespace: ev.Namespace, Name: ev.Name, Field: "kind",
			Reason: fmt.Sprintf("%v is not an export retry", ev.Kind), Err: ErrInvalidEvent}
	}
	return nil
}
