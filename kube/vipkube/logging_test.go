package vipkube_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// The lifecycle at default verbosity: the start and the sync are logged,
// once each, and the collector reports the sync.
func TestLifecycleLogged(t *testing.T) {
	env := kubetest.Shared(t)
	env.Admin(t)
	ns := env.Namespace(t)
	c := kubetest.NewClients(t, env.UserWithRole(t, "vip-agent-log", "discovery.yaml"))

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	var logs kubetest.SyncBuffer
	a, err := vipkube.New(vipkube.Config{Client: c.Kube, Namespace: ns, Machine: vip.Config{NodeName: node},
		Announcer: &recorder{}, Log: funcr.New(func(p, a string) { _, _ = logs.Write([]byte(p + " " + a + "\n")) }, funcr.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "sync", func() bool { return a.Status().Synced })
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(a.Collector())
	if n, err := testutil.GatherAndCount(reg, "meshstate_vip_synced"); err != nil || n != 1 {
		t.Errorf("meshstate_vip_synced: %d series, %v", n, err)
	}
	r.Stop(t)
	out := logs.String()
	for _, msg := range []string{"adapter starting", "caches synced", "adapter stopped"} {
		if n := strings.Count(out, msg); n != 1 {
			t.Errorf("%q logged %d times, want once; logs:\n%s", msg, n, out)
		}
	}
}

// A user without the ClusterRole: every list is Forbidden, and the
// informers retry. Each source's failure is logged once at default
// verbosity, not once per retry (nor twice); the retries show at V(1)
// and in the watch-error counter.
func TestForbiddenLoggedOnce(t *testing.T) {
	env := kubetest.Shared(t)
	env.Admin(t)
	ns := env.Namespace(t)
	cfg, err := env.AddUser("no-role-log")
	if err != nil {
		t.Fatal(err)
	}
	c := kubetest.NewClients(t, cfg)

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	var logs, verbose kubetest.SyncBuffer
	sink := func(b *kubetest.SyncBuffer) func(p, a string) {
		return func(p, a string) { _, _ = b.Write([]byte(p + " " + a + "\n")) }
	}
	// Two adapters over the same user, one logging at V(0), one at V(1).
	quiet, err := vipkube.New(vipkube.Config{Client: c.Kube, Namespace: ns, Machine: vip.Config{NodeName: node},
		Announcer: &recorder{}, Log: funcr.New(sink(&logs), funcr.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	chatty, err := vipkube.New(vipkube.Config{Client: c.Kube, Namespace: ns, Machine: vip.Config{NodeName: node},
		Announcer: &recorder{}, Log: funcr.New(sink(&verbose), funcr.Options{Verbosity: 1})})
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := kubetest.Go(quiet.Run), kubetest.Go(chatty.Run)
	kubetest.WaitFor(t, 15*time.Second, "a retry of each list", func() bool {
		out := verbose.String()
		return strings.Count(out, `"list or watch failed again"`) >= 2 &&
			strings.Contains(out, `"source"="services"`) && strings.Contains(out, `"source"="endpointslices"`)
	})
	r1.Stop(t)
	r2.Stop(t)
	out := logs.String()
	for _, src := range []string{"services", "endpointslices"} {
		lines := 0
		for l := range strings.Lines(out) {
			if strings.Contains(l, "list or watch failed") && strings.Contains(l, `"source"="`+src+`"`) {
				lines++
			}
		}
		if lines != 1 {
			t.Errorf("the %s failure logged %d times at V(0), want once; logs:\n%s", src, lines, out)
		}
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(quiet.Collector())
	if n, err := testutil.GatherAndCount(reg, "meshstate_vip_watch_errors_total"); err != nil || n != 2 {
		t.Errorf("meshstate_vip_watch_errors_total: %d series, %v; want one per source", n, err)
	}
}
