package mcskube_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/mcskube"
	"github.com/meshstate/meshstate/lookup"
)

// A write whose answer is lost is Unknown, and its retry, when due, writes
// what the machine wants then: the create of web's import reaches the
// server but its answer is lost; then the Service's port changes, and the
// update carrying it never leaves. The retry writes the new port, no write
// after the change carries the old one, and the world converges with no
// retry left.
func TestExportRetryWritesCurrentDecision(t *testing.T) {
	env := kubetest.Shared(t)
	cs, mcsClient := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "export-agent-faults", "discovery.yaml")
	exported(t, cs, mcsClient, ns, "web")
	f := kubetest.NewFaultRT("serviceimports", kubetest.Fault{Key: "POST serviceimports", Landed: true}, kubetest.Fault{Key: "PUT serviceimports"})
	c := kubetest.NewFaultyClients(t, user, f)
	ctx := context.Background()

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	var trace bytes.Buffer
	a, err := mcskube.New(mcskube.Config{Client: c.Kube, MCS: c.MCS, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID, Retry: kubetest.FastRetry}, Trace: &trace})
	if err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "the create whose answer was lost", func() bool {
		var we *adapter.WriteError
		return errors.As(a.Status().LastError, &we) && we.Outcome == lookup.OutcomeUnknown && we.Op == "create"
	})
	kubetest.WaitFor(t, 20*time.Second, "the import, and its create's retry settled", func() bool {
		return len(imports(t, mcsClient, ns)) == 1 && a.Status().Retries == 0
	})
	svc, err := cs.CoreV1().Services(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc.Spec.Ports[0].Port = 8080
	if _, err := cs.CoreV1().Services(ns).Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	changedAt := len(f.Writes())
	kubetest.WaitFor(t, 20*time.Second, "the import to carry port 8080", func() bool {
		si, err := mcsClient.MulticlusterV1beta1().ServiceImports(ns).Get(ctx, "web."+clusterID, metav1.GetOptions{})
		return err == nil && len(si.Spec.Ports) == 1 && si.Spec.Ports[0].Port == 8080
	})
	kubetest.WaitFor(t, 20*time.Second, "no retry left", func() bool { return a.Status().Retries == 0 && f.Pending() == 0 })
	r.Stop(t)

	for _, w := range f.Writes()[changedAt:] {
		if strings.Contains(w, `"port":80,`) || strings.Contains(w, `"port":80}`) {
			t.Errorf("a write after the change carries the old port: %s", w)
		}
	}
	// Replayed, each retry that wrote anything wrote the machine's
	// decision of that moment, and one of them wrote the new port.
	replayExport(t, trace.Bytes())
	m, err := mcs.New(mcs.Config{ClusterID: clusterID, Retry: kubetest.FastRetry})
	if err != nil {
		t.Fatal(err)
	}
	var unknown, retriedNew int
	for _, ev := range kubetest.Traced(t, trace.Bytes(), mcs.UnmarshalEvent) {
		effects, err := m.Step(ev)
		if err != nil {
			t.Fatalf("replay %T: %v", ev, err)
		}
		if o, ok := ev.(mcs.Applied); ok && o.Outcome == lookup.OutcomeUnknown {
			unknown++
		}
		if _, ok := ev.(mcs.RetryDue); !ok {
			continue
		}
		for _, e := range effects {
			if e.Kind != mcs.ImportUpsert {
				continue
			}
			if want := m.DesiredImports(); len(want) != 1 || !want[0].Equal(e.Import) {
				t.Errorf("a retry wrote %v, the machine wanted %v", e.Import, want)
			}
			if e.Import.Ports[0].Port == 8080 {
				retriedNew++
			}
		}
	}
	if unknown != 2 || retriedNew == 0 {
		t.Errorf("%d Unknown outcomes (want 2: the lost answer and the unsent update), %d retries writing port 8080 (want some)", unknown, retriedNew)
	}
}
