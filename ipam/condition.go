package ipam

import (
	"net/netip"
	"time"
)

// Condition types the machine sets on owners.
const (
	// ConditionAllocated: the owner holds its addresses.
	ConditionAllocated = "Allocated"
	// ConditionDependencyReady: the owner's dependency (internal Service)
	// is known to exist with the owner's addresses.
	ConditionDependencyReady = "DependencyReady"
	// ConditionReady sums the others up, in the kstatus style: True when
	// the owner holds its addresses and, if it has a dependency, the
	// dependency carries them; False with the reason and message of what
	// blocks it otherwise. The machine sets it whenever one of the others
	// changes.
	ConditionReady = "Ready"
)

// Condition reasons.
const (
	ReasonAllocated          = "Allocated"
	ReasonRecovered          = "Recovered"          // kept the address its status records
	ReasonAddressTaken       = "AddressTaken"       // its recorded address is held by an older owner: reallocated
	ReasonAddressOutOfPool   = "AddressOutOfPool"   // its recorded address is not in the pool: reallocated
	ReasonWantChangeRefused  = "CountChangeRefused" // its status records another number of addresses than its spec asks for: kept, the change refused
	ReasonPoolExhausted      = "PoolExhausted"      // no free address; waits for one
	ReasonFound              = "Found"              // the dependency exists
	ReasonRecreating         = "Recreating"         // the dependency is gone: recreated with the same address
	ReasonReallocated        = "Reallocated"        // the dependency is gone and the release option is on
	ReasonLookupFailed       = "LookupFailed"       // transient error: the address is kept, retried with backoff
	ReasonLookupDenied       = "LookupDenied"       // permanent error: the address is kept, retried slowly
	ReasonDependencyEnsured  = "DependencyEnsured"  // the adapter created or updated the dependency
	ReasonEnsureFailed       = "EnsureFailed"       // creating or updating the dependency failed, or its answer was lost: retried, the address is kept
	ReasonDependencyMismatch = "DependencyMismatch" // the dependency carries other addresses than the owner holds: repaired
	ReasonReady              = "Ready"              // Ready=True: allocated, and the dependency, if any, carries the addresses
	ReasonDependencyPending  = "DependencyPending"  // Ready=False: allocated, the dependency not yet known to carry the addresses
	ReasonPending            = "Pending"            // Ready=False: nothing decided yet
)

// setCondition records a condition on h, as apimachinery's
// meta.SetStatusCondition would, and appends a SetCondition effect if
// anything changed, then the Notify effect the change calls for, if any;
// the Ready condition it leads to comes at the end of the step
// (updateReadies). The transition time is the event's, never the clock's.
// An empty msg is replaced by one that says what the reason means: every
// condition the machine sets has a message.
func (m *Machine) setCondition(out []Effect, h *holding, typ condType, ok bool, reason, msg string, at time.Time) []Effect {
	out, changed := m.putCondition(out, h, typ, ok, reason, msg, at)
	if !changed {
		return out
	}
	m.readyDue(h)
	return m.notify(out, h, &out[len(out)-1].Condition)
}

// readyDue has h's Ready condition looked at once the step is done: a
// step that changes two conditions changes Ready once, never back and
// forth.
func (m *Machine) readyDue(h *holding) {
	if !h.readyDue {
		h.readyDue = true
		m.touched = append(m.touched, h)
	}
}

// updateReadies sets the Ready condition of the owners whose conditions
// the step changed, in the order they changed.
func (m *Machine) updateReadies(out []Effect, at time.Time) []Effect {
	for i, h := range m.touched {
		h.readyDue = false
		if !h.gone {
			out = m.updateReady(out, h, at)
		}
		m.touched[i] = nil
	}
	m.touched = m.touched[:0]
	if room := len(m.owners) - len(m.spare); room > 0 {
		m.spare = append(m.spare, m.forgotten[:min(room, len(m.forgotten))]...)
	}
	clear(m.forgotten)
	m.forgotten = m.forgotten[:0]
	return out
}

// putCondition sets one condition and, if it changed, appends its
// SetCondition effect and reports true. It does what
// meta.SetStatusCondition does, without its clock and its repeated
// searches: a new condition is added; an existing one takes the new
// status (and then the transition time), reason and message.
func (m *Machine) putCondition(out []Effect, h *holding, typ condType, ok bool, reason, msg string, at time.Time) ([]Effect, bool) {
	if at.IsZero() {
		// apimachinery would have read the clock for a zero transition
		// time; the machine never does.
		at = time.Unix(0, 0).UTC()
	}
	if msg == "" {
		msg = defaultMessage(reason, h.addrs)
	}
	status := condFalse
	if ok {
		status = condTrue
	}
	c := &h.conds[typ]
	if c.status == condAbsent {
		*c = cond{status: status, reason: reason, msg: msg, at: at}
	} else {
		changed := false
		if c.status != status {
			c.status, c.at, changed = status, at, true
		}
		if c.reason != reason {
			c.reason, changed = reason, true
		}
		if c.msg != msg {
			c.msg, changed = msg, true
		}
		if !changed {
			return out, false
		}
	}
	return append(out, Effect{Kind: SetCondition, Owner: h.owner, Condition: c.condition(typ)}), true
}

// updateReady sets the Ready condition from the others: True when the
// owner holds its addresses and its dependency, if it has one, is ready;
// otherwise False with the reason and message of what blocks it.
func (m *Machine) updateReady(out []Effect, h *holding, at time.Time) []Effect {
	ok, reason, msg := m.readiness(h)
	out, _ = m.putCondition(out, h, condReady, ok, reason, msg, at)
	return out
}

func (m *Machine) readiness(h *holding) (bool, string, string) {
	alloc := &h.conds[condAllocated]
	switch {
	case alloc.status == condAbsent:
		return false, ReasonPending, "no address allocated yet"
	case alloc.status != condTrue:
		return false, alloc.reason, alloc.msg
	case !h.depends:
		return true, ReasonReady, "the addresses are allocated"
	}
	dep := &h.conds[condDependencyReady]
	switch {
	case dep.status == condAbsent:
		return false, ReasonDependencyPending, pendingMessage
	case dep.status != condTrue:
		return false, dep.reason, dep.msg
	}
	return true, ReasonReady, "the addresses are allocated and the dependency carries them"
}

// pendingMessage is the Ready condition's message while the dependency
// does not carry the addresses yet. Like Ready's other messages it does
// not name them: the Allocated condition's message and the status's
// addresses do.
const pendingMessage = "the addresses are allocated; waiting for the dependency to carry them"

// defaultMessage says what a reason means, for a condition set without a
// message of its own (a lookup or write that failed without one).
func defaultMessage(reason string, addrs []netip.Addr) string {
	switch reason {
	case ReasonAllocated:
		return addrsText("allocated ", addrs, "")
	case ReasonRecovered:
		return addrsText("kept ", addrs, ", which its status records")
	case ReasonFound:
		return addrsText("the dependency exists and carries ", addrs, "")
	case ReasonDependencyEnsured:
		return addrsText("the dependency was created or updated to carry ", addrs, "")
	case ReasonRecreating:
		return addrsText("the dependency is gone: recreating it with ", addrs, "")
	case ReasonLookupFailed:
		return addrsText("looking the dependency up failed; ", addrs, " kept, retrying")
	case ReasonLookupDenied:
		return addrsText("looking the dependency up was refused; ", addrs, " kept, retrying slowly")
	case ReasonReallocated:
		return addrsText("the dependency was gone: moved to ", addrs, "")
	case ReasonEnsureFailed:
		return addrsText("creating or updating the dependency did not succeed; ", addrs, " kept, retrying")
	}
	return reason
}

// because is the message of a condition whose reason a failure caused:
// what the reason means, then the failure's own words, if any.
func because(reason string, addrs []netip.Addr, cause string) string {
	if cause == "" {
		return defaultMessage(reason, addrs)
	}
	return defaultMessage(reason, addrs) + " (" + cause + ")"
}
