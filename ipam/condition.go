package ipam

import (
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
)

// setCondition records a condition on h through apimachinery's helper and
// appends a SetCondition effect if anything changed. The transition time is
// the event's, never the clock's.
func (m *Machine) setCondition(out []Effect, h *holding, typ string, ok bool, reason, msg string, at time.Time) []Effect {
	if at.IsZero() {
		// apimachinery would read the clock for a zero transition time.
		at = time.Unix(0, 0).UTC()
	}
	status := metav1.ConditionFalse
	if ok {
		status = metav1.ConditionTrue
	}
	c := metav1.Condition{Type: typ, Status: status, Reason: reason, Message: msg, LastTransitionTime: metav1.NewTime(at)}
	if !meta.SetStatusCondition(&h.conds, c) {
		return out
	}
	return append(out, Effect{Kind: SetCondition, Owner: h.owner, Condition: *meta.FindStatusCondition(h.conds, typ)})
}
