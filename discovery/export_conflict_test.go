package discovery_test

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery"
)

// Issue 14, item 2, through the machine: the exact Conflict conditions of
// a port conflict by number, on the loser and on the winner.
func TestExportConflictByPortNumber(t *testing.T) {
	day := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	run := func(cluster string, self discovery.ExportPort, selfAt time.Time, peer discovery.Import) metav1.Condition {
		t.Helper()
		m, err := discovery.NewExportMachine(discovery.ExportConfig{ClusterID: cluster})
		if err != nil {
			t.Fatal(err)
		}
		var effects []discovery.ExportEffect
		for _, ev := range []discovery.ExportEvent{
			discovery.ImportObserved{Import: peer},
			discovery.ExportObserved{Namespace: "default", Name: "site", CreatedAt: selfAt,
				Service: discovery.ExportService{Type: discovery.ExportServiceClusterIP, Ports: []discovery.ExportPort{self}}},
			discovery.ExportsSynced{}, discovery.ImportsSynced{},
		} {
			if effects, err = m.AppendStep(effects, ev); err != nil {
				t.Fatal(err)
			}
		}
		var conds []metav1.Condition
		for _, e := range effects {
			if e.Kind == discovery.ExportSetCondition {
				conds = append(conds, e.Condition)
			}
		}
		c := meta.FindStatusCondition(conds, discovery.ExportConditionConflict)
		if c == nil {
			t.Fatalf("no Conflict condition in %v", effects)
		}
		return *c
	}
	http80 := discovery.ExportPort{Name: "http", Protocol: "TCP", Port: 80}
	web80 := discovery.ExportPort{Name: "web", Protocol: "TCP", Port: 80}
	const msg = "the export of cluster east is the oldest and wins: ports of west collide with an older export's by name or by protocol and number"

	// West, the loser: its web 80/TCP against east's older http 80/TCP.
	east := discovery.Import{Namespace: "default", Name: "site", Owner: "east", Type: discovery.ImportClusterSetIP,
		Ports: []discovery.ExportPort{http80}, ExportCreatedAt: day(5, 1)}
	if c := run("west", web80, day(6, 1), east); c.Status != metav1.ConditionTrue || c.Reason != discovery.ExportReasonPortConflict || c.Message != msg {
		t.Errorf("west: %s=%s/%s %q, want True/PortConflict %q", c.Type, c.Status, c.Reason, c.Message, msg)
	}
	// East, the winner, sees the same condition (KEP-1645: all exports).
	west := discovery.Import{Namespace: "default", Name: "site", Owner: "west", Type: discovery.ImportClusterSetIP,
		Ports: []discovery.ExportPort{web80}, ExportCreatedAt: day(6, 1)}
	if c := run("east", http80, day(5, 1), west); c.Status != metav1.ConditionTrue || c.Reason != discovery.ExportReasonPortConflict || c.Message != msg {
		t.Errorf("east: %s=%s/%s %q, want True/PortConflict %q", c.Type, c.Status, c.Reason, c.Message, msg)
	}
}
