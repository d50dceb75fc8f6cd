package discovery_test

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/discovery"
)

// An agent restarts: its own import of default/nginx and the broker's
// unlabelled aggregate are relisted before any export. Nothing happens
// until both sources have synced; then only the import this cluster owns
// and no longer exports is deleted (incident 001).
func ExampleExportMachine() {
	m, err := discovery.NewExportMachine(discovery.ExportConfig{ClusterID: "west"})
	if err != nil {
		panic(err)
	}
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	http := []discovery.ExportPort{{Name: "http", Protocol: "TCP", Port: 80}}
	for _, ev := range []discovery.ExportEvent{
		discovery.ImportObserved{Import: discovery.Import{Namespace: "default", Name: "nginx", Owner: "west",
			Type: discovery.ImportClusterSetIP, Ports: http, ExportCreatedAt: at}},
		discovery.ImportObserved{Import: discovery.Import{Namespace: "default", Name: "old", Owner: "west",
			Type: discovery.ImportClusterSetIP, Ports: http, ExportCreatedAt: at}},
		discovery.ImportObserved{Import: discovery.Import{Namespace: "default", Name: "nginx",
			Type: discovery.ImportClusterSetIP, Ports: http}},
		discovery.ImportsSynced{At: at},
		discovery.ExportObserved{Namespace: "default", Name: "nginx", CreatedAt: at,
			Service: discovery.ExportService{Type: discovery.ExportServiceClusterIP, Ports: http}, At: at},
		discovery.ExportsSynced{At: at},
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
