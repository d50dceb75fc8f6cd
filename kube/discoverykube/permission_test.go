package discoverykube_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/discoverykube"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/lookup"
)

// A user without the ClusterRole: every list is Forbidden. Both adapters
// report a Permanent *WatchError in Status and keep running (no crash
// loop); the informers retry with backoff (no tight loop: a handful of
// lists in five seconds); Run returns promptly once cancelled.
func TestForbiddenListSurfacedNotLooped(t *testing.T) {
	env := kubetest.Shared(t)
	admin(t, env)
	ns := env.Namespace(t)
	cfg, err := env.AddUser("no-role")
	if err != nil {
		t.Fatal(err)
	}
	c := newClients(t, cfg)

	defer noLeaks(t)()
	defer c.close()
	va, err := discoverykube.NewVIPAdapter(discoverykube.VIPConfig{Client: c.kube, Namespace: ns, Machine: vip.Config{NodeName: node},
		Announcer: &recorder{synced: func() bool { return true }}})
	if err != nil {
		t.Fatal(err)
	}
	ea, err := discoverykube.NewExportAdapter(discoverykube.ExportConfig{Client: c.kube, MCS: c.mcs, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID}})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	vr, er := start(va.Run), start(ea.Run)
	permanent := func(st discoverykube.Status) bool {
		var we *discoverykube.WatchError
		return errors.As(st.LastError, &we) && we.Class == lookup.Permanent
	}
	waitFor(t, 10*time.Second, "a Permanent watch error in both adapters' status", func() bool {
		return permanent(va.Status()) && permanent(ea.Status())
	})
	t.Logf("surfaced after %v: %v", time.Since(began).Round(time.Millisecond), va.Status().LastError)
	time.Sleep(5*time.Second - time.Since(began))
	for _, done := range []*running{vr, er} {
		if ok, err := done.returned(); ok {
			t.Fatalf("Run gave up: %v", err)
		}
	}
	counts := c.count.snapshot()
	t.Logf("requests in %v: %v", time.Since(began).Round(time.Millisecond), counts)
	for _, res := range []string{"services", "endpointslices", "serviceexports", "serviceimports"} {
		// Services are listed by both adapters.
		if n := counts["LIST "+res]; n == 0 || n > 10 {
			t.Errorf("%d lists of %s in 5s: want a few, with backoff", n, res)
		}
	}
	if st := va.Status(); st.Synced || st.Events != 0 {
		t.Errorf("VIP adapter decided without its sources: %+v", st)
	}
	stopAt := time.Now()
	vr.stop(t)
	er.stop(t)
	t.Logf("both Runs returned %v after cancel", time.Since(stopAt).Round(time.Millisecond))
}

// A user who may read but not write: the create of the import and the
// status update are Forbidden, classified Permanent, and retried on the
// slow schedule (about 5 minutes), not in a loop.
func TestForbiddenWriteRetriedSlowly(t *testing.T) {
	env := kubetest.Shared(t)
	cs, mcsClient := admin(t, env)
	ns := env.Namespace(t)
	role := discoveryRole(t)
	role.Name = "meshstate-discovery-readonly"
	for i := range role.Rules {
		role.Rules[i].Verbs = []string{"list", "watch"}
	}
	role.Rules = slices.DeleteFunc(role.Rules, func(r rbacv1.PolicyRule) bool { return strings.Contains(r.Resources[0], "/") })
	user := userWithRole(t, env, "export-reader", role)
	exported(t, cs, mcsClient, ns, "web")
	c := newClients(t, user)

	defer noLeaks(t)()
	defer c.close()
	a, err := discoverykube.NewExportAdapter(discoverykube.ExportConfig{Client: c.kube, MCS: c.mcs, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID}})
	if err != nil {
		t.Fatal(err)
	}
	r := start(a.Run)
	waitFor(t, 10*time.Second, "both writes to fail", func() bool { return a.Status().Retries == 2 })
	var we *discoverykube.WriteError
	st := a.Status()
	if !errors.As(st.LastError, &we) || we.Class != lookup.Permanent || we.RetryIn < 4*time.Minute || we.RetryIn > 6*time.Minute {
		t.Fatalf("status %+v: want a Permanent *WriteError retried in about 5 minutes", st)
	}
	t.Logf("%v", we)
	time.Sleep(time.Second)
	if n, m := c.count.get("POST serviceimports"), c.count.get("PUT serviceexports/status"); n != 1 || m != 1 {
		t.Errorf("%d creates and %d status updates in a second, want one of each: %v", n, m, c.count.snapshot())
	}
	if l, err := mcsClient.MulticlusterV1beta1().ServiceImports(ns).List(t.Context(), metav1.ListOptions{}); err != nil || len(l.Items) != 0 {
		t.Errorf("imports: %v, %v", l, err)
	}
	r.stop(t)
}
