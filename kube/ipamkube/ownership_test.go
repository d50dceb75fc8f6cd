package ipamkube_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/ipamkube"
	"github.com/meshstate/meshstate/lookup"
)

// An internal Service deleted behind the adapter's back is recreated with
// the same address; a Service of the same name the adapter does not own
// is never touched.
func TestInternalServices(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	ctx := context.Background()
	svcs := h.kube.CoreV1().Services(h.ns)
	foreign := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.InternalServiceName("taken"), Namespace: h.ns},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 8080}}}}
	if _, err := svcs.Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg := h.config(nil)
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	cfg.Clock = func() time.Time { return at }
	r := h.start(cfg)
	h.create([]spec{{name: "web", service: true}, {name: "taken", service: true}})
	waitFor(t, 20*time.Second, "web's Service", func() (bool, string) {
		_, err := svcs.Get(ctx, v1alpha1.InternalServiceName("web"), metav1.GetOptions{})
		return err == nil, errString(err)
	})
	waitFor(t, 20*time.Second, "both allocated", func() (bool, string) {
		for _, g := range h.statuses() {
			if len(g.Status.Addresses) == 0 {
				return false, g.Name
			}
		}
		return true, ""
	})
	before := h.statuses()
	// Events carry the adapter's clock, and conditions the events' times.
	if c := meta.FindStatusCondition(before["web"].Status.Conditions, ipam.ConditionAllocated); c == nil || !c.LastTransitionTime.Time.Equal(at) {
		t.Errorf("web: Allocated %+v, want it set at the injected clock's %v", c, at)
	}

	if err := svcs.Delete(ctx, v1alpha1.InternalServiceName("web"), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "web's Service recreated", func() (bool, string) {
		svc, err := svcs.Get(ctx, v1alpha1.InternalServiceName("web"), metav1.GetOptions{})
		return err == nil && slices.Equal(svc.Spec.ExternalIPs, before["web"].Status.Addresses), errString(err)
	})
	waitFor(t, 10*time.Second, "web's DependencyReady", func() (bool, string) {
		c := meta.FindStatusCondition(h.statuses()["web"].Status.Conditions, ipam.ConditionDependencyReady)
		return c != nil && c.Status == metav1.ConditionTrue, condString(c)
	})
	var e *ipamkube.APIError
	waitFor(t, 10*time.Second, "the foreign Service reported", func() (bool, string) {
		err := r.State().LastError
		return errors.As(err, &e) && errors.Is(e, ipamkube.ErrForeignService), errString(err)
	})
	if e.Class != lookup.Permanent {
		t.Errorf("foreign Service: class %v, want Permanent", e.Class)
	}
	r.stopCleanly(t)

	after := h.statuses()
	checkKept(t, addresses(before), addresses(after))
	got, err := svcs.Get(ctx, foreign.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Spec.ExternalIPs) > 0 || len(got.OwnerReferences) > 0 || got.Labels[ipamkube.LabelManagedBy] != "" {
		t.Errorf("the foreign Service was changed: %+v %+v", got.ObjectMeta, got.Spec)
	}
}

// A malformed owner is skipped, and an owner whose status turns malformed
// is not taken for gone: its address stays reserved, as a full pool shows.
func TestMalformedOwners(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	ctx := context.Background()
	cfg := h.config(nil)
	cfg.Machine.Prefixes = []netip.Prefix{netip.MustParsePrefix("242.254.9.0/30")} // two usable addresses
	r := h.start(cfg)
	h.create([]spec{{name: "a"}, {name: "b"}})
	waitFor(t, 20*time.Second, "a and b allocated", func() (bool, string) {
		st := h.statuses()
		return len(st["a"].Status.Addresses) == 1 && len(st["b"].Status.Addresses) == 1, ""
	})
	// a's status turns malformed.
	u, err := h.gips.Get(ctx, "a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u.Object["status"] = map[string]any{"addresses": []any{"not an address"}}
	if _, err := h.gips.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the malformed update skipped", func() (bool, string) { return r.State().Skipped == 1, "" })
	// c must wait: a's address is still a's.
	h.create([]spec{{name: "c"}})
	waitFor(t, 10*time.Second, "c waiting", func() (bool, string) {
		c := meta.FindStatusCondition(h.statuses()["c"].Status.Conditions, ipam.ConditionAllocated)
		return c != nil && c.Reason == ipam.ReasonPoolExhausted, condString(c)
	})
	if st := r.State(); st.Owners != 3 || st.Waiting != 1 {
		t.Errorf("State %+v, want 3 owners, 1 waiting", st)
	}
	r.stopCleanly(t)
	if got := h.statuses()["c"].Status.Addresses; len(got) != 0 {
		t.Errorf("c got %v: a's address was released when its status turned malformed", got)
	}
}
