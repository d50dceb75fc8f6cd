package ipam

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// condType indexes the three condition types the machine sets. An owner's
// record keeps one cond per type, by value, instead of the status's
// []metav1.Condition: a third of the record's size, and a condition is
// found by its index rather than by comparing type names. Conditions of
// other types in an observed status are never the machine's to decide,
// so they are not kept.
type condType uint8

const (
	condAllocated condType = iota
	condDependencyReady
	condReady
	numConds
)

// condTypeOf returns the index of a condition type, and false for a type
// the machine does not set.
func condTypeOf(typ string) (condType, bool) {
	switch typ {
	case ConditionAllocated:
		return condAllocated, true
	case ConditionDependencyReady:
		return condDependencyReady, true
	case ConditionReady:
		return condReady, true
	}
	return 0, false
}

// name is the condition type's name, as statuses spell it.
func (t condType) name() string {
	switch t {
	case condAllocated:
		return ConditionAllocated
	case condDependencyReady:
		return ConditionDependencyReady
	}
	return ConditionReady
}

// condStatus is a condition's status; condAbsent for a condition the
// status does not have.
type condStatus uint8

const (
	condAbsent condStatus = iota
	condTrue
	condFalse
	// condOther is any other status (Unknown, or a value nobody defined):
	// the machine never sets one, so it only needs to know it differs
	// from both of its own.
	condOther
)

func condStatusOf(s metav1.ConditionStatus) condStatus {
	switch s {
	case metav1.ConditionTrue:
		return condTrue
	case metav1.ConditionFalse:
		return condFalse
	}
	return condOther
}

// cond is one condition of an owner's status, as far as the machine keeps
// it. The observed generation is the adapter's to stamp: the machine keeps
// the one the status has, so that it never counts as a change.
type cond struct {
	status condStatus
	gen    int64
	reason string
	msg    string
	at     time.Time
}

// isTrue reports whether the condition is present with status True.
func (c *cond) isTrue() bool { return c.status == condTrue }

// condition is c as a status records it, of type t.
func (c *cond) condition(t condType) metav1.Condition {
	status := metav1.ConditionFalse
	if c.status == condTrue {
		status = metav1.ConditionTrue
	}
	return metav1.Condition{Type: t.name(), Status: status, ObservedGeneration: c.gen,
		LastTransitionTime: metav1.Time{Time: c.at}, Reason: c.reason, Message: c.msg}
}

// keepConditions records the conditions of an observed status, the first
// of each type, as meta.FindStatusCondition would find it.
func (h *holding) keepConditions(cs []metav1.Condition) {
	for i := range cs {
		t, ok := condTypeOf(cs[i].Type)
		if !ok || h.conds[t].status != condAbsent {
			continue
		}
		h.conds[t] = cond{status: condStatusOf(cs[i].Status), gen: cs[i].ObservedGeneration,
			reason: cs[i].Reason, msg: cs[i].Message, at: cs[i].LastTransitionTime.Time}
	}
}
