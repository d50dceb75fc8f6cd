package ipam

import (
	"fmt"

	"github.com/meshstate/meshstate/retry"
)

// retry schedules another attempt at what for h: a RetryAfter carrying
// the owner and the kind, never data.
func (m *Machine) retry(out []Effect, h *holding, what Kind, s retry.Schedule, attempt int) []Effect {
	h.retrying.add(what)
	return append(out, Effect{Kind: RetryAfter, Owner: h.owner, Retry: what, Delay: s.Delay(h.owner.UID, attempt)})
}

// retryDue decides what a due retry does, from what the machine holds
// now: a status write of the owner's current addresses, an ensure of its
// dependency with them, or a lookup. A retry superseded since it was
// scheduled (a newer effect of its kind went out for the owner) causes
// nothing, nor does one for an owner that holds nothing now.
func (m *Machine) retryDue(dst []Effect, ev RetryDue) ([]Effect, error) {
	h, err := m.held(ev.Owner)
	if err != nil {
		return dst, err
	}
	if ev.Kind != WriteStatus && ev.Kind != EnsureDependency && ev.Kind != Lookup {
		return dst, &RejectedError{Owner: ev.Owner, Field: "kind", Reason: fmt.Sprint(ev.Kind), Err: ErrInvalidEvent}
	}
	if !h.retrying.has(ev.Kind) {
		return dst, nil
	}
	h.retrying.remove(ev.Kind)
	if h.addrs == nil {
		return dst, nil
	}
	switch ev.Kind {
	case WriteStatus:
		return m.writeStatus(dst, h), nil
	case EnsureDependency:
		return m.ensure(dst, h), nil
	default:
		return m.lookup(dst, h), nil
	}
}

// writeStatus asks for h's status to record its addresses, superseding a
// pending retry of an older write.
func (m *Machine) writeStatus(out []Effect, h *holding) []Effect {
	h.retrying.remove(WriteStatus)
	return append(out, Effect{Kind: WriteStatus, Owner: h.owner, Addresses: h.addrs})
}

// lookup asks for h's dependency to be looked up.
func (m *Machine) lookup(out []Effect, h *holding) []Effect {
	if !h.depends {
		return out
	}
	h.retrying.remove(Lookup)
	return append(out, Effect{Kind: Lookup, Owner: h.owner})
}
