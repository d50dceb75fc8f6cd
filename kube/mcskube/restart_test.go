package mcskube_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/mcskube"
)

// Incident 001 for real. An agent exports n services and stops. While it
// is down, one export is removed, and other clusters' imports and the
// broker's aggregates appear for every service (and for one this cluster
// does not export). The restarted agent deletes exactly one import, the
// orphan of the removed export, once; it writes nothing else: no other
// import or export status changes resourceVersion.
func TestExportRestartKeepsForeignImports(t *testing.T) {
	env := kubetest.Shared(t)
	cs, mcsClient := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "export-agent-1", "discovery.yaml")
	const n = 100
	for i := range n {
		exported(t, cs, mcsClient, ns, fmt.Sprintf("svc-%d", i))
	}

	defer kubetest.NoLeaks(t)()
	// First life: the agent creates n imports and sets the conditions.
	c1 := kubetest.NewClients(t, user)
	defer c1.Close()
	var trace1 bytes.Buffer
	a1, err := mcskube.New(mcskube.Config{Client: c1.Kube, MCS: c1.MCS, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID}, Trace: &trace1})
	if err != nil {
		t.Fatal(err)
	}
	r1 := kubetest.Go(a1.Run)
	kubetest.WaitFor(t, 30*time.Second, "n imports and their exports' conditions", func() bool {
		l, err := mcsClient.MulticlusterV1beta1().ServiceExports(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			return false
		}
		for _, ex := range l.Items {
			if len(ex.Status.Conditions) != 2 {
				return false
			}
		}
		return len(imports(t, mcsClient, ns)) == n
	})
	time.Sleep(300 * time.Millisecond) // the writes come back through the informers
	r1.Stop(t)
	effects := replayExport(t, trace1.Bytes())
	if got, want := c1.Count.Get("POST serviceimports"), count(effects, mcs.ImportUpsert); got != n || want != n {
		t.Fatalf("first life: %d creates, the trace replays %d upserts; want %d", got, want, n)
	}
	if got := c1.Count.Get("PUT serviceexports/status"); got != n {
		t.Fatalf("first life: %d status updates, want %d (both conditions in one)", got, n)
	}
	if st := a1.Status(); st.Rejected != 0 || st.LastError != nil {
		t.Fatalf("first life: %+v", st)
	}

	// Down: svc-0's export goes; other clusters and the broker import.
	ctx := context.Background()
	if err := mcsClient.MulticlusterV1beta1().ServiceExports(ns).Delete(ctx, "svc-0", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		foreignImport(t, mcsClient, ns, fmt.Sprintf("svc-%d", i), "east")
		foreignImport(t, mcsClient, ns, fmt.Sprintf("svc-%d", i), "")
	}
	foreignImport(t, mcsClient, ns, "other", "east")
	foreignImport(t, mcsClient, ns, "other", "")
	before := imports(t, mcsClient, ns)
	if len(before) != 3*n+2 {
		t.Fatalf("%d imports before the restart", len(before))
	}

	// Second life.
	c2 := kubetest.NewClients(t, user)
	defer c2.Close()
	var trace2 bytes.Buffer
	a2, err := mcskube.New(mcskube.Config{Client: c2.Kube, MCS: c2.MCS, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID}, Trace: &trace2})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	r2 := kubetest.Go(a2.Run)
	kubetest.WaitFor(t, 30*time.Second, "the orphan's deletion", func() bool {
		_, err := mcsClient.MulticlusterV1beta1().ServiceImports(ns).Get(ctx, "svc-0."+clusterID, metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	})
	deleted := time.Since(began)
	time.Sleep(500 * time.Millisecond) // anything else it would write, it writes now
	r2.Stop(t)

	st := a2.Status()
	t.Logf("restart with %d imports (%d foreign): synced after %v, orphan deleted after %v; %d events",
		len(before), 2*n+2, st.SyncedAt.Sub(began).Round(time.Millisecond), deleted.Round(time.Millisecond), st.Events)
	for _, k := range []string{"POST serviceimports", "PUT serviceimports", "PUT serviceexports/status"} {
		if got := c2.Count.Get(k); got != 0 {
			t.Errorf("restart: %d %s, want none: %v", got, k, c2.Count.Snapshot())
		}
	}
	if got := c2.Count.Get("DELETE serviceimports"); got != 1 {
		t.Errorf("restart: %d deletes, want exactly 1", got)
	}
	after := imports(t, mcsClient, ns)
	delete(before, "svc-0."+clusterID)
	if !maps.Equal(before, after) {
		t.Errorf("imports other than the orphan changed: %d before, %d after", len(before), len(after))
		for k, v := range before {
			if after[k] != v {
				t.Errorf("  %s: resourceVersion %s -> %q", k, v, after[k])
			}
		}
	}
	if st.Rejected != 0 || st.LastError != nil || st.Retries != 0 {
		t.Errorf("restart: %+v", st)
	}
	effects = replayExport(t, trace2.Bytes())
	if len(effects) != 1 || effects[0].String() != "DeleteImport "+ns+"/svc-0@"+clusterID {
		t.Errorf("replayed restart trace: %v, want the one deletion", effects)
	}
}
