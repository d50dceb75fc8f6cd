package ipam

import (
	"net/netip"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
func (m *Machine) setCondition(out []Effect, h *holding, typ string, ok bool, reason, msg string, at time.Time) []Effect {
	out, c := m.putCondition(out, h, typ, ok, reason, msg, at)
	if c == nil {
		return out
	}
	m.readyDue(h)
	return m.notify(out, h, c)
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
	m.pending = pendingText{}
	return out
}

// putCondition sets one condition and returns it if it changed, nil
// otherwise. It does what meta.SetStatusCondition does, without its
// clock and its repeated searches: a new condition is appended; an
// existing one takes the new status (and then the transition time), reason
// and message. The observed generation is the adapter's to stamp: the
// machine keeps the one the status has, so that it never counts as a
// change. The returned condition lives in h.conds: it is valid until the
// next condition is added.
func (m *Machine) putCondition(out []Effect, h *holding, typ string, ok bool, reason, msg string, at time.Time) ([]Effect, *metav1.Condition) {
	if at.IsZero() {
		// apimachinery would have read the clock for a zero transition
		// time; the machine never does.
		at = time.Unix(0, 0).UTC()
	}
	if msg == "" {
		msg = defaultMessage(reason, h.addrs)
	}
	status := metav1.ConditionFalse
	if ok {
		status = metav1.ConditionTrue
	}
	c := meta.FindStatusCondition(h.conds, typ)
	if c == nil {
		h.conds = append(h.conds, metav1.Condition{Type: typ, Status: status, Reason: reason, Message: msg,
			LastTransitionTime: metav1.NewTime(at)})
		c = &h.conds[len(h.conds)-1]
	} else {
		changed := false
		if c.Status != status {
			c.Status, c.LastTransitionTime, changed = status, metav1.NewTime(at), true
		}
		if c.Reason != reason {
			c.Reason, changed = reason, true
		}
		if c.Message != msg {
			c.Message, changed = msg, true
		}
		if !changed {
			return out, nil
		}
	}
	return append(out, Effect{Kind: SetCondition, Owner: h.owner, Condition: *c}), c
}

// updateReady sets the Ready condition from the others: True when the
// owner holds its addresses and its dependency, if it has one, is ready;
// otherwise False with the reason and message of what blocks it.
func (m *Machine) updateReady(out []Effect, h *holding, at time.Time) []Effect {
	ok, reason, msg := m.readiness(h)
	out, _ = m.putCondition(out, h, ConditionReady, ok, reason, msg, at)
	return out
}

func (m *Machine) readiness(h *holding) (bool, string, string) {
	alloc := meta.FindStatusCondition(h.conds, ConditionAllocated)
	switch {
	case alloc == nil:
		return false, ReasonPending, "no address allocated yet"
	case alloc.Status != metav1.ConditionTrue:
		return false, alloc.Reason, alloc.Message
	case !h.depends:
		return true, ReasonReady, "the addresses are allocated"
	}
	dep := meta.FindStatusCondition(h.conds, ConditionDependencyReady)
	switch {
	case dep == nil:
		return false, ReasonDependencyPending, m.pendingMessage(h)
	case dep.Status != metav1.ConditionTrue:
		return false, dep.Reason, dep.Message
	}
	return true, ReasonReady, "the addresses are allocated and the dependency carries them"
}

// The DependencyPending message: the addresses, then that the dependency
// does not carry them yet.
const pendingBefore, pendingAfter = "holds ", "; waiting for the dependency to carry them"

// allocatedText returns the Allocated message of addrs, just allocated to
// h, as defaultMessage would, and keeps the DependencyPending message its
// Ready condition will most likely take at the end of the step, both in
// one allocation: a new owner's two messages cost one.
func (m *Machine) allocatedText(h *holding, addrs []netip.Addr) string {
	var buf [192]byte
	b := appendAddrsText(buf[:0], "allocated ", addrs, "")
	n := len(b)
	s := string(appendAddrsText(b, pendingBefore, addrs, pendingAfter))
	m.pending = pendingText{h: h, addrs: addrs, msg: s[n:]}
	return s[:n]
}

// pendingMessage is h's DependencyPending message: the one allocatedText
// kept, if it names h's addresses.
func (m *Machine) pendingMessage(h *holding) string {
	if p := m.pending; p.h == h && slices.Equal(p.addrs, h.addrs) {
		return p.msg
	}
	return addrsText(pendingBefore, h.addrs, pendingAfter)
}

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
