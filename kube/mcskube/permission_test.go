package mcskube_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/mcskube"
	"github.com/meshstate/meshstate/lookup"
)

// A user without the ClusterRole: every list is Forbidden. The adapter
// reports a Permanent *adapter.WatchError in Status and keeps running (no
// crash loop); the informers retry with backoff (no tight loop: a handful
// of lists in five seconds); Run returns promptly once cancelled.
func TestForbiddenListSurfacedNotLooped(t *testing.T) {
	env := kubetest.Shared(t)
	env.Admin(t)
	ns := env.Namespace(t)
	cfg, err := env.AddUser("no-role")
	if err != nil {
		t.Fatal(err)
	}
	c := kubetest.NewClients(t, cfg)

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	a, err := mcskube.New(mcskube.Config{Client: c.Kube, MCS: c.MCS, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID}})
	if err != nil {
		t.Fatal(err)
	}
	kubetest.CheckForbiddenList(t, c, a, "services", "serviceexports", "serviceimports")
}

// A user who may read but not write: the create of the import and the
// status update are Forbidden, classified Permanent, and retried on the
// slow schedule (about 5 minutes), not in a loop.
func TestForbiddenWriteRetriedSlowly(t *testing.T) {
	env := kubetest.Shared(t)
	cs, mcsClient := env.Admin(t)
	ns := env.Namespace(t)
	role := kubetest.Role(t, "discovery.yaml")
	role.Name = "meshstate-discovery-readonly"
	for i := range role.Rules {
		role.Rules[i].Verbs = []string{"list", "watch"}
	}
	role.Rules = slices.DeleteFunc(role.Rules, func(r rbacv1.PolicyRule) bool { return strings.Contains(r.Resources[0], "/") })
	user := env.UserWithClusterRole(t, "export-reader", role)
	exported(t, cs, mcsClient, ns, "web")
	c := kubetest.NewClients(t, user)

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	a, err := mcskube.New(mcskube.Config{Client: c.Kube, MCS: c.MCS, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID}})
	if err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 10*time.Second, "both writes to fail", func() bool { return a.Status().Retries == 2 })
	var we *adapter.WriteError
	st := a.Status()
	if !errors.As(st.LastError, &we) || we.Class != lookup.Permanent || we.RetryIn < 4*time.Minute || we.RetryIn > 6*time.Minute {
		t.Fatalf("status %+v: want a Permanent *WriteError retried in about 5 minutes", st)
	}
	t.Logf("%v", we)
	time.Sleep(time.Second)
	if n, m := c.Count.Get("POST serviceimports"), c.Count.Get("PUT serviceexports/status"); n != 1 || m != 1 {
		t.Errorf("%d creates and %d status updates in a second, want one of each: %v", n, m, c.Count.Snapshot())
	}
	if l, err := mcsClient.MulticlusterV1beta1().ServiceImports(ns).List(t.Context(), metav1.ListOptions{}); err != nil || len(l.Items) != 0 {
		t.Errorf("imports: %v, %v", l, err)
	}
	r.Stop(t)
}
