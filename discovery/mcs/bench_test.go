package mcs_test

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// BenchmarkExportRestart10k relists 10,000 exports, with their Services and
// the statuses and imports a previous lifetime wrote, into a fresh machine:
// the restart of incident 001 at scale. It must ask for nothing. Reported
// per event.
func BenchmarkExportRestart10k(b *testing.B) {
	const n = 10_000
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	ports := []mcs.ExportPort{{Name: "http", Protocol: "TCP", Port: 80}, {Name: "https", Protocol: "TCP", Port: 443}}
	conds := []metav1.Condition{
		{Type: mcs.ExportConditionValid, Status: metav1.ConditionTrue, Reason: mcs.ExportReasonValid, LastTransitionTime: metav1.NewTime(at)},
		{Type: mcs.ExportConditionConflict, Status: metav1.ConditionFalse, Reason: mcs.ExportReasonNoConflicts, LastTransitionTime: metav1.NewTime(at)},
	}
	events := make([]mcs.Event, 0, 3*n+2)
	for i := range n {
		ns, name := fmt.Sprintf("ns-%d", i%100), fmt.Sprintf("svc-%d", i)
		events = append(events,
			mcs.ImportObserved{Import: mcs.Import{Namespace: ns, Name: name, Owner: "west",
				Type: mcs.ImportClusterSetIP, Ports: ports, ExportCreatedAt: at}, At: at},
			mcs.ImportObserved{Import: mcs.Import{Namespace: ns, Name: name,
				Type: mcs.ImportClusterSetIP, Ports: ports}, At: at})
	}
	events = append(events, mcs.ImportsSynced{At: at})
	for i := range n {
		events = append(events, mcs.ExportObserved{Namespace: fmt.Sprintf("ns-%d", i%100), Name: fmt.Sprintf("svc-%d", i),
			CreatedAt: at, Service: mcs.ExportService{Type: mcs.ExportServiceClusterIP, Ports: ports},
			Conditions: conds, At: at})
	}
	events = append(events, mcs.ExportsSynced{At: at})
	var buf []mcs.Effect
	b.ReportAllocs()
	for b.Loop() {
		m, _ := mcs.New(mcs.Config{ClusterID: "west"})
		for _, ev := range events {
			var err error
			if buf, err = m.AppendStep(buf[:0], ev); err != nil || len(buf) > 0 {
				b.Fatal(buf, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
}
