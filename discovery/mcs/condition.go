package mcs

import (
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ServiceExport condition types and reasons, as the MCS API names them.
const (
	// ExportConditionValid: the export can be exported (its Service exists
	// and is not an ExternalName).
	ExportConditionValid = "Valid"
	// ExportConditionConflict: the valid exports of the service, in this
	// and other clusters, disagree on a property that cannot be merged;
	// the oldest export's value wins. Every export of the service carries
	// it, the winner's too (KEP-1645).
	ExportConditionConflict = "Conflict"

	ExportReasonValid              = "Valid"
	ExportReasonNoService          = "NoService"
	ExportReasonInvalidServiceType = "InvalidServiceType"
	ExportReasonPortConflict       = "PortConflict"
	ExportReasonTypeConflict       = "TypeConflict"
	ExportReasonNoConflicts        = "NoConflicts"
)

// setConditions writes the export's Valid and Conflict conditions, through
// apimachinery's helper, appending an effect for each that changed. The
// transition time is the event's, never the clock's.
func (m *Machine) setConditions(out []Effect, k exportKey, ex *exportState, at time.Time) []Effect {
	if at.IsZero() {
		// apimachinery would read the clock for a zero transition time.
		at = time.Unix(0, 0).UTC()
	}
	var valid, conflict metav1.Condition
	switch ex.svc.Type {
	case ExportServiceNone:
		valid = cond(ExportConditionValid, false, ExportReasonNoService, "no Service "+k.String())
	case ExportServiceExternalName:
		valid = cond(ExportConditionValid, false, ExportReasonInvalidServiceType, "an ExternalName Service cannot be exported")
	default:
		valid = cond(ExportConditionValid, true, ExportReasonValid, "")
	}
	if reason, msg := m.conflict(k, ex); reason != "" {
		conflict = cond(ExportConditionConflict, true, reason, msg)
	} else {
		conflict = cond(ExportConditionConflict, false, ExportReasonNoConflicts, "")
	}
	// After a failed write the server may lack any of the conditions, so
	// a write that supersedes its retry carries both, not only the one
	// that changed. Nothing changed, nothing is written: the retry stands.
	var changed [2]bool
	conds := [...]metav1.Condition{valid, conflict}
	for i := range conds {
		conds[i].LastTransitionTime = metav1.NewTime(at)
		changed[i] = meta.SetStatusCondition(&ex.conds, conds[i])
	}
	n := len(out)
	for i, c := range conds {
		if changed[i] || (ex.retry.Failures > 0 && changed != [2]bool{}) {
			out = append(out, Effect{Kind: ExportSetCondition, Namespace: k.namespace, Name: k.name,
				Condition: *meta.FindStatusCondition(ex.conds, c.Type)})
		}
	}
	if len(out) > n {
		ex.retry.Pending = false
	}
	return out
}

func cond(typ string, ok bool, reason, msg string) metav1.Condition {
	status := metav1.ConditionFalse
	if ok {
		status = metav1.ConditionTrue
	}
	return metav1.Condition{Type: typ, Status: status, Reason: reason, Message: msg}
}

// conflict applies KEP-1645's conflict rules (Constraints and Conflict
// Resolution) to the service of a valid local export. The constituents
// are the valid exports of the service: the local one and the peers'
// imports. The oldest (creation time, then cluster ID) wins. A
// constituent of another type than the oldest's conflicts on type, and
// its ports are not merged, since the service is not served with its
// type. Two constituents of the winning type conflict on ports if a port
// of one and a different port of the other share a name (the empty name
// included) or a protocol and number: merged, they would break a
// Service's two port rules. The condition belongs to the service, so
// every export of it carries it, the winner's too (KEP-1645: "set on all
// ServiceExports for the conflicted service").
//
// It returns the reasons, comma-joined as the MCS API allows, and a
// message naming the winner and the clusters that lose, in age order. An
// invalid export is not a constituent and conflicts with nothing.
func (m *Machine) conflict(k exportKey, ex *exportState) (reason, msg string) {
	self, ok := m.desired(k, ex)
	ps := m.peers[k]
	if !ok || len(ps) == 0 {
		return "", ""
	}
	// The constituents, oldest first; peers are kept in that order.
	all := make([]Import, 0, len(ps)+1)
	i, _ := slices.BinarySearchFunc(ps, self, compareAge)
	all = append(append(append(all, ps[:i]...), self), ps[i:]...)
	var typeLosers, portLosers []string
	for j, e := range all {
		if e.Type != all[0].Type {
			typeLosers = append(typeLosers, e.Owner)
			continue
		}
		for _, older := range all[:j] {
			if older.Type == all[0].Type && portsConflict(older.Ports, e.Ports) {
				portLosers = append(portLosers, e.Owner)
				break
			}
		}
	}
	return conflictSummary(all[0].Owner, portLosers, typeLosers)
}

// conflictSummary words the Conflict condition of every export of a
// conflicted service alike, so that each cluster's agent, deciding alone
// from the same imports, writes the same reason and message.
func conflictSummary(winner string, portLosers, typeLosers []string) (reason, msg string) {
	var rs, parts []string
	if len(portLosers) > 0 {
		rs = append(rs, ExportReasonPortConflict)
		parts = append(parts, "ports of "+strings.Join(portLosers, ", ")+
			" collide with an older export's by name or by protocol and number")
	}
	if len(typeLosers) > 0 {
		rs = append(rs, ExportReasonTypeConflict)
		parts = append(parts, "the type of "+strings.Join(typeLosers, ", ")+" differs")
	}
	if len(rs) == 0 {
		return "", ""
	}
	return strings.Join(rs, ","), "the export of cluster " + winner + " is the oldest and wins: " + strings.Join(parts, "; ")
}

// portsConflict reports whether a port of a and a different port of b
// share a name or a protocol and number (KEP-1645, Service Port: a merged
// port list has no duplicated names, the empty one included, and no two
// ports of the same protocol and number). Identical ports merge.
func portsConflict(a, b []ExportPort) bool {
	for _, p := range a {
		for _, q := range b {
			if p != q && (p.Name == q.Name || (p.Protocol == q.Protocol && p.Port == q.Port)) {
				return true
			}
		}
	}
	return false
}

// compareAge orders imports by their export's creation time, then cluster
// ID: the MCS conflict order, with no ties between clusters.
func compareAge(a, b Import) int {
	if c := a.ExportCreatedAt.Compare(b.ExportCreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.Owner, b.Owner)
}
