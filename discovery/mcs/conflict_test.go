package mcs_test

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// Issue 14, item 2, through the machine: the exact Conflict conditions of
// a port conflict by number, on the loser and on the winner.
func TestExportConflictByPortNumber(t *testing.T) {
	day := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	run := func(cluster string, self mcs.ExportPort, selfAt time.Time, peer mcs.Import) metav1.Condition {
		t.Helper()
		m, err := mcs.New(mcs.Config{ClusterID: cluster})
		if err != nil {
			t.Fatal(err)
		}
		var effects []mcs.Effect
		for _, ev := range []mcs.Event{
			mcs.ImportObserved{Import: peer},
			mcs.ExportObserved{Namespace: "default", Name: "site", CreatedAt: selfAt,
				Service: mcs.ExportService{Type: mcs.ExportServiceClusterIP, Ports: []mcs.ExportPort{self}}},
			mcs.ExportsSynced{}, mcs.ImportsSynced{},
		} {
			if effects, err = m.AppendStep(effects, ev); err != nil {
				t.Fatal(err)
			}
		}
		var conds []metav1.Condition
		for _, e := range effects {
			if e.Kind == mcs.ExportSetCondition {
				conds = append(conds, e.Condition)
			}
		}
		c := meta.FindStatusCondition(conds, mcs.ExportConditionConflict)
		if c == nil {
			t.Fatalf("no Conflict condition in %v", effects)
		}
		return *c
	}
	http80 := mcs.ExportPort{Name: "http", Protocol: "TCP", Port: 80}
	web80 := mcs.ExportPort{Name: "web", Protocol: "TCP", Port: 80}
	const msg = "the export of cluster east is the oldest and wins: ports of west collide with an older export's by name or by protocol and number"

	// West, the loser: its web 80/TCP against east's older http 80/TCP.
	east := mcs.Import{Namespace: "default", Name: "site", Owner: "east", Type: mcs.ImportClusterSetIP,
		Ports: []mcs.ExportPort{http80}, ExportCreatedAt: day(5, 1)}
	if c := run("west", web80, day(6, 1), east); c.Status != metav1.ConditionTrue || c.Reason != mcs.ExportReasonPortConflict || c.Message != msg {
		t.Errorf("west: %s=%s/%s %q, want True/PortConflict %q", c.Type, c.Status, c.Reason, c.Message, msg)
	}
	// East, the winner, sees the same condition (KEP-1645: all exports).
	west := mcs.Import{Namespace: "default", Name: "site", Owner: "west", Type: mcs.ImportClusterSetIP,
		Ports: []mcs.ExportPort{web80}, ExportCreatedAt: day(6, 1)}
	if c := run("east", http80, day(5, 1), west); c.Status != metav1.ConditionTrue || c.Reason != mcs.ExportReasonPortConflict || c.Message != msg {
		t.Errorf("east: %s=%s/%s %q, want True/PortConflict %q", c.Type, c.Status, c.Reason, c.Message, msg)
	}
}
