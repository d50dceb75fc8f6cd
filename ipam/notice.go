package ipam

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Notice is a decision a user must see, as a Kubernetes Event on the
// owner: a Notify effect carries it. The machine derives notices from the
// transitions of the owner's conditions, so a step that changes nothing
// notifies nothing (a restart against an unchanged world among them),
// and one transition notifies once.
//
// The reasons, with their type and action:
//
//	Allocated           Normal   Allocate  new addresses, its status to record them
//	AddressTaken        Warning  Allocate  its recorded address is held by an older owner: new ones
//	AddressOutOfPool    Warning  Allocate  its recorded address is not in the pool: new ones
//	Reallocated         Warning  Allocate  its dependency was gone (ReleaseOnNotFound): new ones
//	PoolExhausted       Warning  Wait      no room in the pool: the owner waits
//	CountChangeRefused  Warning  Refuse    spec.count edited: refused, the addresses kept
//	Recovered           Normal   Recover   kept what its status records: after a restart whose status did not say so, or a refused count put back
//	DependencyMissing   Warning  Recreate  its dependency is confirmed gone: recreated
//	DependencyMismatch  Warning  Repair    its dependency carries other addresses: repaired
//	DependencyRepaired  Normal   Repair    its dependency carries its addresses again
//
// A running machine refuses an Observed that edits the count with
// ErrWantChanged and no effect; RejectedError.Notice gives that refusal's
// notice, for the adapter to record.
type Notice struct {
	// Warning: the Event's type is Warning; Normal otherwise.
	Warning bool `json:"warning,omitempty"`
	// Reason is the Event's reason, CamelCase.
	Reason string `json:"reason"`
	// Action is what the controller did or does about it, CamelCase.
	Action string `json:"action"`
	// Message says it for a person.
	Message string `json:"message"`
}

// Notice reasons that are not condition reasons.
const (
	NoticeDependencyMissing  = "DependencyMissing"
	NoticeDependencyRepaired = "DependencyRepaired"
)

// Notice actions.
const (
	ActionAllocate = "Allocate"
	ActionWait     = "Wait"
	ActionRefuse   = "Refuse"
	ActionRecover  = "Recover"
	ActionRecreate = "Recreate"
	ActionRepair   = "Repair"
)

// notify appends the Notify effect that c, a condition that just changed,
// calls for, if any.
func (m *Machine) notify(out []Effect, h *holding, c *metav1.Condition) []Effect {
	n, ok := noticeFor(h, c)
	if !ok {
		return out
	}
	return append(out, Effect{Kind: Notify, Owner: h.owner, Notice: n})
}

func noticeFor(h *holding, c *metav1.Condition) (Notice, bool) {
	warn := func(reason, action string) (Notice, bool) {
		return Notice{Warning: true, Reason: reason, Action: action, Message: c.Message}, true
	}
	switch c.Type {
	case ConditionAllocated:
		switch c.Reason {
		case ReasonAllocated:
			return Notice{Reason: ReasonAllocated, Action: ActionAllocate, Message: c.Message}, true
		case ReasonRecovered:
			return Notice{Reason: ReasonRecovered, Action: ActionRecover, Message: c.Message}, true
		case ReasonAddressTaken, ReasonAddressOutOfPool, ReasonReallocated:
			return warn(c.Reason, ActionAllocate)
		case ReasonPoolExhausted:
			return warn(c.Reason, ActionWait)
		case ReasonWantChangeRefused:
			return warn(c.Reason, ActionRefuse)
		}
	case ConditionDependencyReady:
		switch {
		case c.Status == metav1.ConditionTrue && h.repairing:
			h.repairing = false
			return Notice{Reason: NoticeDependencyRepaired, Action: ActionRepair, Message: c.Message}, true
		case c.Reason == ReasonRecreating && !h.quiet:
			h.repairing = true
			return warn(NoticeDependencyMissing, ActionRecreate)
		case c.Reason == ReasonDependencyMismatch:
			h.repairing = true
			return warn(ReasonDependencyMismatch, ActionRepair)
		}
	}
	return Notice{}, false
}

// Notice returns the notice a user must see for this refusal, if it is
// one: an owner's count edited while the machine runs (ErrWantChanged),
// unless its Allocated condition says so already (CountChangeRefused, set
// by recovery, which notified). Other rejections are for the adapter's
// log only.
func (e *RejectedError) Notice() (Notice, bool) {
	if e == nil || e.Err != ErrWantChanged || e.told {
		return Notice{}, false
	}
	return Notice{Warning: true, Reason: ReasonWantChangeRefused, Action: ActionRefuse,
		Message: fmt.Sprintf("the number of addresses cannot change %s; the addresses are kept", e.Reason)}, true
}
