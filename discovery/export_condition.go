package discovery

import (
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
	// ExportConditionConflict: a property of this export conflicts with an
	// older export of the same service from another cluster, whose value
	// wins.
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
func (m *ExportMachine) setConditions(out []ExportEffect, k exportKey, ex *exportState, at time.Time) []ExportEffect {
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
	if reason, winner := m.conflict(k, ex); reason != "" {
		conflict = cond(ExportConditionConflict, true, reason, "the export of cluster "+winner+" is older and wins")
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
		if changed[i] || (ex.retry.failures > 0 && changed != [2]bool{}) {
			out = append(out, ExportEffect{Kind: ExportSetCondition, Namespace: k.namespace, Name: k.name,
				Condition: *meta.FindStatusCondition(ex.conds, c.Type)})
		}
	}
	if len(out) > n {
		ex.retry.pending = false
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

// conflict applies KEP-1645's rule to a valid local export: the oldest
// export of the service wins (creation time, then cluster ID). The local
// one conflicts on type if the oldest export's type differs, and on ports
// if an older export has a port of the same name with another protocol,
// number or app protocol. It returns the reasons, comma-joined as the MCS
// API allows, and the winner's cluster ID. An invalid export is not a
// constituent and conflicts with nothing.
func (m *ExportMachine) conflict(k exportKey, ex *exportState) (reason, winner string) {
	self, ok := m.desired(k, ex)
	ps := m.peers[k]
	if !ok || len(ps) == 0 {
		return "", ""
	}
	var ports, typ bool
	for _, p := range ps {
		if compareAge(p, self) >= 0 {
			break // peers are oldest first: the rest are younger
		}
		if winner == "" {
			winner = p.Owner
			typ = p.Type != self.Type
		}
		ports = ports || portsConflict(p.Ports, self.Ports)
	}
	var rs []string
	if ports {
		rs = append(rs, ExportReasonPortConflict)
	}
	if typ {
		rs = append(rs, ExportReasonTypeConflict)
	}
	return strings.Join(rs, ","), winner
}

// portsConflict reports whether two sorted port lists define a port of the
// same name differently.
func portsConflict(a, b []ExportPort) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := strings.Compare(a[i].Name, b[j].Name); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			if a[i] != b[j] {
				return true
			}
			i, j = i+1, j+1
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
