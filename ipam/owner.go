package ipam

import (
	"fmt"
	"math"
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/internal/k8sname"
)

// Owner identifies an object that holds addresses: a GlobalIP, or a
// peer's object of the same shape (Submariner's GlobalIngressIP or
// GlobalEgressIP). Namespace and name find it; the UID tells a recreated
// object from the one it replaces, which is a new owner.
type Owner struct {
	// Namespace is the object's namespace, a DNS-1123 label.
	Namespace string `json:"namespace"`
	// Name is the object's name, a DNS-1123 subdomain.
	Name string `json:"name"`
	// UID is the object's UID, never empty: a new UID under a held
	// namespace/name is a new owner.
	UID string `json:"uid"`
}

// String gives namespace/name.
func (o Owner) String() string { return o.Namespace + "/" + o.Name }

type ownerKey struct{ namespace, name string }

func (o Owner) key() ownerKey { return ownerKey{o.Namespace, o.Name} }

func (o Owner) validate() error {
	if r := k8sname.Label(o.Namespace); r != "" {
		return &RejectedError{Owner: o, Field: "namespace", Reason: r, Err: ErrInvalidOwner}
	}
	if r := k8sname.Subdomain(o.Name); r != "" {
		return &RejectedError{Owner: o, Field: "name", Reason: r, Err: ErrInvalidOwner}
	}
	if o.UID == "" {
		return &RejectedError{Owner: o, Field: "uid", Reason: "must not be empty", Err: ErrInvalidOwner}
	}
	return nil
}

// Status is what an owner's status records: its addresses and conditions.
type Status struct {
	// Addresses are the addresses the status records as allocated; none
	// for an owner never written or still waiting.
	Addresses []netip.Addr `json:"addresses,omitempty"`
	// Conditions are the status's conditions (ConditionAllocated,
	// ConditionDependencyReady, ConditionReady).
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// maxWant bounds the addresses one owner may ask for: egress ranges are
// small, and a bound keeps a malformed object from draining the pool.
const maxWant = 1024

func validateObserved(o *Observed) error {
	if err := o.Owner.validate(); err != nil {
		return err
	}
	if o.Want < 1 || o.Want > maxWant {
		return &RejectedError{Owner: o.Owner, Field: "want",
			Reason: fmt.Sprintf("%d is outside [1, %d]", o.Want, maxWant), Err: ErrInvalidOwner}
	}
	for i, a := range o.Status.Addresses {
		if !a.IsValid() || a.Zone() != "" {
			return &RejectedError{Owner: o.Owner, Field: fmt.Sprintf("status.addresses[%d]", i),
				Reason: "not a plain IP address", Err: ErrInvalidOwner}
		}
	}
	return nil
}

// holding is the machine's record of one owner. Its fields are laid out
// so that it fits the 416-byte size class: counts are int32 (a want is at
// most maxWant, a recorded count at most PoolMaxSize, a retry attempt
// saturates), the flags and the lost reason share one word, conditions
// are kept by type without their type's name (cond), and the creation
// time, which only recovery compares, stays with the arrivals.
type holding struct {
	owner Owner
	want  int32
	// asked is the number of addresses the owner's spec asked for when
	// recovery found its status recording another number (the count was
	// edited while no machine ran); 0 otherwise. The owner keeps what its
	// status records, as a running machine would have refused the edit.
	asked int32
	addrs []netip.Addr // held addresses; nil while waiting for some
	// retiring are addresses h gave up for new ones (a dependency gone,
	// with ReleaseOnNotFound) that its status may still record: no other
	// owner gets them until the status is known to show the new ones, or a
	// restart would find two owners recording them.
	retiring []netip.Addr
	shown    []netip.Addr   // what the status shows, as far as the machine knows: before Synced, what to recover
	conds    [numConds]cond // by type: what the status has or the machine set
	lookups  int32          // consecutive unknown lookup results: the backoff attempt, saturating
	failures int32          // consecutive failed writes: the backoff attempt, saturating
	dep      dependency
	lost     lostReason // why recorded addresses were not kept, for the condition
	// retrying are the kinds with a retry scheduled and not superseded
	// since: a RetryDue of another kind causes nothing.
	retrying kinds
	depends  bool
	waiting  bool // in Machine.waiting
	gone     bool // deleted or replaced: skipped by recovery
	// repairing: the dependency was found gone or carrying other
	// addresses, and has not been seen ready since; its being ready
	// again is a notice (DependencyRepaired).
	repairing bool
	// quiet: the condition being set is not news (the machine's own
	// ensure is pending), so it notifies nothing.
	quiet bool
	// readyDue: in Machine.touched, its Ready condition to be looked at
	// at the end of the step.
	readyDue bool
}

// newHolding returns the record of a new owner: a spare one if there is
// one (see Machine.spare), so that an owner deleted and another created,
// the churn of a running cluster, cost no allocation of a record.
func (m *Machine) newHolding(o *Observed) *holding {
	n := len(m.spare)
	if n == 0 {
		return &holding{owner: o.Owner, want: int32(o.Want), depends: o.DependsOn} // validated: at most maxWant
	}
	h := m.spare[n-1]
	m.spare[n-1] = nil
	m.spare = m.spare[:n-1]
	*h = holding{owner: o.Owner, want: int32(o.Want), depends: o.DependsOn}
	return h
}

// lostReason says why an owner's recorded addresses were not kept.
type lostReason uint8

const (
	notLost       lostReason = iota
	lostTaken                // ReasonAddressTaken
	lostOutOfPool            // ReasonAddressOutOfPool
)

// bump adds one to a count of consecutive failures, saturating.
func bump(n *int32) int {
	if *n < math.MaxInt32 {
		*n++
	}
	return int(*n)
}

// kinds is a set of effect kinds.
type kinds uint8

func (s kinds) has(k Kind) bool { return s&(1<<k) != 0 }
func (s *kinds) add(k Kind)     { *s |= 1 << k }
func (s *kinds) remove(k Kind)  { *s &^= 1 << k }
