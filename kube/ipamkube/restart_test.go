package ipamkube_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
)

// Restart (incident 003's setting): 2,000 owners, one in ten with an
// internal Service, are allocated; the adapter stops and a new one starts
// against the same API server. It must change no address, write nothing
// it does not have to, and recover completely, quickly.
func TestRestart(t *testing.T) {
	const n = 2000
	h := newHarness(t)
	defer h.leakCheck()()
	specs := owners("gip", n, 10)

	first := h.start(h.config(nil))
	h.create(specs)
	first.settled(t, 60*time.Second, n)
	first.stopCleanly(t)
	before := h.statuses()
	checkAllocated(t, before)
	h.checkServices(before)

	count := &counter{}
	second := h.start(h.config(func(rt http.RoundTripper) http.RoundTripper { count.next = rt; return count }))
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(second.Collector())
	recovery := second.settled(t, 20*time.Second, n)
	t.Logf("recovery of %d owners (%d with a Service): %v", n, n/10, recovery)
	checkGauges(t, reg, n)
	second.stopCleanly(t)

	after := h.statuses()
	checkKept(t, addresses(before), addresses(after))
	for name, b := range before {
		a := after[name]
		for _, typ := range []string{ipam.ConditionAllocated, ipam.ConditionDependencyReady} {
			if !conditionsEqual(b, a, typ) {
				t.Errorf("%s: %s changed: %v -> %v", name, typ, b.Status.Conditions, a.Status.Conditions)
			}
		}
	}
	if written := count.matching(writes); len(written) > 0 {
		t.Errorf("the restart made %d writes, want none: %v", len(written), firstFew(written))
	}
}

func conditionsEqual(a, b *v1alpha1.GlobalIP, typ string) bool {
	ca, cb := meta.FindStatusCondition(a.Status.Conditions, typ), meta.FindStatusCondition(b.Status.Conditions, typ)
	if ca == nil || cb == nil {
		return ca == cb
	}
	return ca.Status == cb.Status && ca.Reason == cb.Reason && ca.Message == cb.Message && ca.LastTransitionTime.Equal(&cb.LastTransitionTime)
}

func firstFew(s []string) []string { return s[:min(len(s), 10)] }

// checkGauges checks the collector's pool gauges against n allocations.
func checkGauges(t testing.TB, reg *prometheus.Registry, n int) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			got[mf.GetName()] = m.GetGauge().GetValue()
		}
	}
	size := float64(int(1)<<(32-pool.Bits()) - 2) // less network and broadcast
	want := map[string]float64{
		"meshstate_ipam_leading": 1, "meshstate_ipam_owners": float64(n), "meshstate_ipam_owners_waiting": 0,
		"meshstate_ipam_pool_size": size, "meshstate_ipam_pool_allocated": float64(n), "meshstate_ipam_pool_free": size - float64(n),
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
}
