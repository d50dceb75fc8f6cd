package ipamkube

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
)

// stepped follows up an event the machine accepted: an Observed owner's
// conditions are stamped with the generation observed, and the end of
// recovery (Synced) is logged with its counts.
func (s *session) stepped(ev ipam.Event, effects []ipam.Effect) {
	switch ev := ev.(type) {
	case ipam.Observed:
		s.restamp(ev.Owner)
	case ipam.Synced:
		s.recoveryDone(effects)
	}
}

// ownConditions are the condition types the machine sets, the only ones
// the adapter stamps.
var ownConditions = []string{ipam.ConditionAllocated, ipam.ConditionDependencyReady, ipam.ConditionReady}

// restamp brings the observedGeneration of the owner's conditions up to
// the generation just observed: the machine accepted it, so its
// conditions hold for it. A status already stamped with it is not
// written; nor is anything for an edit the machine refused (its
// conditions are those of the generation it acts on).
func (s *session) restamp(o ipam.Owner) {
	rec := s.owners[o.String()]
	if rec == nil || rec.owner.UID != o.UID {
		return
	}
	gen := rec.obj.GetGeneration()
	_, st := rec.base()
	for _, c := range st.Conditions {
		if c.ObservedGeneration == gen || !slices.Contains(ownConditions, c.Type) ||
			slices.ContainsFunc(rec.pending.conds, func(p metav1.Condition) bool { return p.Type == c.Type }) {
			continue
		}
		s.setCondition(rec, c)
	}
}

// recoveryDone logs the end of recovery, at Synced: how many owners kept
// what their statuses record, how many got new addresses (including
// those whose recorded ones were taken or out of the pool), and how many
// wait for room.
func (s *session) recoveryDone(effects []ipam.Effect) {
	allocated, refused := 0, 0
	for _, e := range effects {
		switch {
		case e.Kind == ipam.WriteStatus:
			allocated++
		case e.Kind == ipam.Notify && e.Notice.Reason == ipam.ReasonWantChangeRefused:
			refused++
		}
	}
	st := s.m.Stats()
	s.log.Info("recovery done", "owners", st.Owners, "recovered", st.Owners-st.Waiting-allocated,
		"allocated", allocated, "waiting", st.Waiting, "countChangesRefused", refused)
}
