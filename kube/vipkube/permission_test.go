package vipkube_test

import (
	"testing"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipkube"
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
	a, err := vipkube.New(vipkube.Config{Client: c.Kube, Namespace: ns, Machine: vip.Config{NodeName: node},
		Announcer: &recorder{synced: func() bool { return true }}})
	if err != nil {
		t.Fatal(err)
	}
	kubetest.CheckForbiddenList(t, c, a, "services", "endpointslices")
}
