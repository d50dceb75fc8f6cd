package vipkube_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/discovery/vip/viptest"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipkube"
	"github.com/meshstate/meshstate/lookup"
)

// The retry of a failed announcement asks the machine, and announces what
// it wants when the retry is due, not what the failed call carried: the
// Announcer fails every Advertise of 203.0.113.7 (its answer lost) until a
// second Service, api, comes to share the VIP. That changes no decision
// (the VIP stays advertised), so nothing supersedes the retry; when it is
// due it announces the VIP for both Services. Replayed through the kit's
// checker, every retry yields the current decision or nothing.
func TestVIPRetryWritesCurrentDecision(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "vip-agent-faults", "discovery.yaml")
	c := kubetest.NewClients(t, user)

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	addr := netip.MustParseAddr("203.0.113.7")
	var allow atomic.Bool
	rec := &recorder{fail: func(cl call) error {
		if cl.Op == "announce" && !allow.Load() {
			return context.DeadlineExceeded
		}
		return nil
	}}
	trace := &kubetest.SyncBuffer{}
	cfg := vipConfig()
	cfg.Retry = kubetest.FastRetry
	a, err := vipkube.New(vipkube.Config{Client: c.Kube, Namespace: ns, Machine: cfg, Announcer: rec, Trace: trace})
	if err != nil {
		t.Fatal(err)
	}
	rec.synced = func() bool { return a.Status().Synced }
	createSlice(t, cs, endpointSlice(ns, "web-abc12", "web", node, true))
	createService(t, cs, lbService(ns, "web", addr.String(), false))
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "the failed announcement", func() bool {
		var we *adapter.WriteError
		return errors.As(a.Status().LastError, &we) && we.Outcome == lookup.OutcomeUnknown && we.Op == "Advertise"
	})
	createSlice(t, cs, endpointSlice(ns, "api-abc12", "api", node, true))
	createService(t, cs, lbService(ns, "api", addr.String(), false))
	kubetest.WaitFor(t, 20*time.Second, "the machine to see api", func() bool {
		return bytes.Contains(trace.Bytes(), []byte(`"type":"ServiceUpsert","service":{"namespace":"`+ns+`","name":"api"`)) &&
			bytes.Contains(trace.Bytes(), []byte(`"name":"api-abc12"`))
	})
	allow.Store(true)
	kubetest.WaitFor(t, 20*time.Second, "the VIP announced, no retry left", func() bool {
		return len(rec.announced()) == 1 && a.Status().Retries == 0
	})
	r.Stop(t)

	if got, want := rec.calls()[0].Services, []string{ns + "/api", ns + "/web"}; !slices.Equal(got, want) {
		t.Errorf("the retry announced for %v, want %v", got, want)
	}
	m, err := vip.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	checker := viptest.NewChecker(cfg)
	var dues int
	for _, ev := range kubetest.Traced(t, trace.Bytes(), vip.UnmarshalEvent) {
		effects, err := m.Step(ev)
		if err := checker.Observe(ev, effects, err); err != nil {
			t.Fatal(err)
		}
		if _, ok := ev.(vip.RetryDue); ok {
			dues++
		}
	}
	if dues == 0 {
		t.Error("no retry fell due")
	}
	t.Logf("%d retries fell due; announced %v", dues, rec.calls())
}
