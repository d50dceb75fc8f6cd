package mcs_test

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// An agent restarts: its own import of default/nginx and the broker's
// unlabelled aggregate are relisted before any export. Nothing happens
// until both sources have synced; then only the import this cluster owns
// and no longer exports is deleted (incident 001).
func ExampleMachine() {
	m, err := mcs.New(mcs.Config{ClusterID: "west"})
	if err != nil {
		panic(err)
	}
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	http := []mcs.ExportPort{{Name: "http", Protocol: "TCP", Port: 80}}
	for _, ev := range []mcs.Event{
		mcs.ImportObserved{Import: mcs.Import{Namespace: "default", Name: "nginx", Owner: "west",
			Type: mcs.ImportClusterSetIP, Ports: http, ExportCreatedAt: at}},
		mcs.ImportObserved{Import: mcs.Import{Namespace: "default", Name: "old", Owner: "west",
			Type: mcs.ImportClusterSetIP, Ports: http, ExportCreatedAt: at}},
		mcs.ImportObserved{Import: mcs.Import{Namespace: "default", Name: "nginx",
			Type: mcs.ImportClusterSetIP, Ports: http}},
		mcs.ImportsSynced{At: at},
		mcs.ExportObserved{Namespace: "default", Name: "nginx", CreatedAt: at,
			Service: mcs.ExportService{Type: mcs.ExportServiceClusterIP, Ports: http}, At: at},
		mcs.ExportsSynced{At: at},
	} {
		effects, err := m.Step(ev)
		if err != nil {
			fmt.Println("rejected:", err)
		}
		for _, e := range effects {
			fmt.Println(e)
		}
	}
	fmt.Println("desired", m.DesiredImports())
	// Output:
	// SetCondition default/nginx Valid=True/Valid
	// SetCondition default/nginx Conflict=False/NoConflicts
	// DeleteImport default/old@west
	// desired [default/nginx@west]
}
