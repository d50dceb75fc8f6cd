package vipkube_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

// Steady state: each change to a Service or a slice announces or
// withdraws its VIP at once, and only then. VIPs come from the Service's
// status, as a load-balancer controller writes it.
func TestVIPSteadyState(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "vip-agent-3", "discovery.yaml")
	c := kubetest.NewClients(t, user)
	ctx := context.Background()

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	rec := &recorder{}
	var trace bytes.Buffer
	a := newAdapter(t, c, ns, rec, &trace)
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "sync", func() bool { b, _ := rec.committed(); return len(b) > 0 })

	vip1, vip2 := netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("2001:db8::1")
	expect := func(what string, want ...netip.Addr) {
		t.Helper()
		kubetest.WaitFor(t, 10*time.Second, what, func() bool { return slices.Equal(rec.announced(), want) })
	}
	svc := createService(t, cs, lbService(ns, "web", "", false))
	createSlice(t, cs, endpointSlice(ns, "web-abc12", "web", node, true))
	time.Sleep(100 * time.Millisecond)
	if calls := rec.calls(); len(calls) != 0 {
		t.Fatalf("a Service without an address announced %v", calls)
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: vip1.String()}}
	svc, err := cs.CoreV1().Services(ns).UpdateStatus(ctx, svc, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	expect("the status address announced", vip1)

	sl, err := cs.DiscoveryV1().EndpointSlices(ns).Get(ctx, "web-abc12", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	no := false
	sl.Endpoints[0].Conditions.Ready = &no
	if sl, err = cs.DiscoveryV1().EndpointSlices(ns).Update(ctx, sl, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("withdrawal when the only endpoint is not ready")

	yes := true
	sl.Endpoints[0].Conditions.Ready = &yes
	if _, err = cs.DiscoveryV1().EndpointSlices(ns).Update(ctx, sl, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("announcement when it is ready again", vip1)

	if err := cs.DiscoveryV1().EndpointSlices(ns).Delete(ctx, "web-abc12", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("withdrawal when the slice is deleted")
	createSlice(t, cs, endpointSlice(ns, "web-def34", "web", "node-b", true))
	expect("announcement of a new slice on another node", vip1)

	svc.Status.LoadBalancer.Ingress = append(svc.Status.LoadBalancer.Ingress, corev1.LoadBalancerIngress{IP: vip2.String()})
	if _, err = cs.CoreV1().Services(ns).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("a second address announced", vip1, vip2)

	if err := cs.CoreV1().Services(ns).Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("both withdrawn when the Service is deleted")
	r.Stop(t)

	var ops []string
	for _, c := range rec.calls() {
		ops = append(ops, c.String())
	}
	want := []string{
		"announce 203.0.113.1 [" + ns + "/web]", "withdraw 203.0.113.1 []", "announce 203.0.113.1 [" + ns + "/web]",
		"withdraw 203.0.113.1 []", "announce 203.0.113.1 [" + ns + "/web]", "announce 2001:db8::1 [" + ns + "/web]",
		"withdraw 203.0.113.1 []", "withdraw 2001:db8::1 []",
	}
	if !slices.Equal(ops, want) {
		t.Fatalf("calls\n%v\nwant\n%v", ops, want)
	}
	replayVIP(t, vipConfig(), trace.Bytes(), rec.calls())
}

// A failing Announcer is retried with backoff, with what the machine
// wants by then; a failure is classified and kept in Status.
func TestVIPAnnouncerFailureRetried(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "vip-agent-4", "discovery.yaml")
	c := kubetest.NewClients(t, user)

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	failures := 1
	rec := &recorder{fail: func(call) error {
		if failures > 0 {
			failures--
			return errors.New("speaker not ready")
		}
		return nil
	}}
	a := newAdapter(t, c, ns, rec, nil)
	createSlice(t, cs, endpointSlice(ns, "web-abc12", "web", node, true))
	createService(t, cs, lbService(ns, "web", "203.0.113.7", false))
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "a failed announcement", func() bool { return a.Status().Retries == 1 })
	var we *adapter.WriteError
	if st := a.Status(); !errors.As(st.LastError, &we) || we.Op != "Advertise" || we.RetryIn < 800*time.Millisecond || we.RetryIn > 1200*time.Millisecond {
		t.Fatalf("status after the failure: %+v (%v)", st, st.LastError)
	}
	failedAt := time.Now()
	kubetest.WaitFor(t, 5*time.Second, "the retry", func() bool { return len(rec.announced()) == 1 })
	t.Logf("retried %v after the failure (%v)", time.Since(failedAt).Round(time.Millisecond), we)
	if st := a.Status(); st.Retries != 0 {
		t.Fatalf("retries pending after success: %+v", st)
	}
	r.Stop(t)
}
