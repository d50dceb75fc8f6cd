package ipamkube_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// What a user sees without raising verbosity, as a user bound only to
// config/rbac/ipam.yaml: Events on the GlobalIP for the decisions (one
// per decision, none after a restart against an unchanged cluster),
// conditions with observedGeneration and messages and a Ready condition,
// info log lines, and counters that move.
func TestEventsConditionsAndCounters(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	ctx := context.Background()
	logs := &logSink{}
	cfg := h.config(nil)
	cfg.Logger = funcr.New(logs.write, funcr.Options{})
	a, err := ipamkube.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(a.Collector())
	r := h.run(a)
	h.create([]spec{{name: "web", service: true}, {name: "plain"}})

	ready := func(name string) func() (bool, string) {
		return func() (bool, string) {
			g := h.statuses()[name]
			if g == nil {
				return false, "no object"
			}
			c := meta.FindStatusCondition(g.Status.Conditions, ipam.ConditionReady)
			return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == g.Generation, condString(c)
		}
	}
	waitFor(t, 20*time.Second, "web Ready", ready("web"))
	waitFor(t, 20*time.Second, "plain Ready", ready("plain"))
	r.settled(t, 20*time.Second, 2)
	for name, g := range h.statuses() {
		for _, c := range g.Status.Conditions {
			if c.Message == "" || c.ObservedGeneration != g.Generation || g.Generation == 0 {
				t.Errorf("%s: condition %s has message %q, observedGeneration %d (generation %d)",
					name, c.Type, c.Message, c.ObservedGeneration, g.Generation)
			}
		}
	}
	waitFor(t, 10*time.Second, "Allocated Events", func() (bool, string) {
		return len(h.events(t, "web", ipam.ReasonAllocated)) == 1 && len(h.events(t, "plain", ipam.ReasonAllocated)) == 1,
			fmt.Sprint(h.eventReasons(t, "web"), h.eventReasons(t, "plain"))
	})
	ev := h.events(t, "web", ipam.ReasonAllocated)[0]
	if ev.Type != corev1.EventTypeNormal || ev.ReportingController != ipamkube.ReportingController || ev.Action != ipam.ActionAllocate ||
		!strings.Contains(ev.Note, "242.254.") || ev.Regarding.Kind != "GlobalIP" {
		t.Errorf("the Allocated Event: %+v", ev)
	}

	// The internal Service deleted: a Warning, then its repair.
	svcs := h.kube.CoreV1().Services(h.ns)
	if err := svcs.Delete(ctx, v1alpha1.InternalServiceName("web"), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "DependencyMissing and DependencyRepaired Events", func() (bool, string) {
		return len(h.events(t, "web", ipam.NoticeDependencyMissing)) == 1 && len(h.events(t, "web", ipam.NoticeDependencyRepaired)) == 1,
			fmt.Sprint(h.eventReasons(t, "web"))
	})
	if ev := h.events(t, "web", ipam.NoticeDependencyMissing)[0]; ev.Type != corev1.EventTypeWarning {
		t.Errorf("DependencyMissing is %s, want Warning", ev.Type)
	}
	waitFor(t, 20*time.Second, "web Ready again", ready("web"))

	r.settled(t, 20*time.Second, 2)
	for _, line := range []string{`"msg"="ipam adapter starting"`, `"msg"="recovery done" "owners"=0`, `"level"=0 "msg"="GlobalIP Allocated"`} {
		if !logs.contains(line) {
			t.Errorf("no %s line: %q", line, logs.lines())
		}
	}
	if n := metricValue(t, reg, "meshstate_ipam_allocations_total", ""); n != 2 {
		t.Errorf("allocations_total = %v, want 2", n)
	}
	if n := metricValue(t, reg, "meshstate_ipam_lookups_total", "NotFound"); n < 1 {
		t.Errorf("lookups_total{class=NotFound} = %v, want at least 1", n)
	}
	if n := metricValue(t, reg, "meshstate_ipam_notices_total", ipam.NoticeDependencyRepaired); n != 1 {
		t.Errorf("notices_total{reason=DependencyRepaired} = %v, want 1", n)
	}
	// The user bound to the role may record them: no request failed.
	if e := r.State().LastError; e != nil {
		t.Errorf("State().LastError = %v", e)
	}
	before := len(h.eventReasons(t, "web")) + len(h.eventReasons(t, "plain"))
	r.stopCleanly(t)

	// A restart against the unchanged cluster: recovery logged with its
	// counts, and no Event.
	logged := len(logs.lines())
	r = h.run(a)
	r.settled(t, 20*time.Second, 2)
	time.Sleep(500 * time.Millisecond) // an Event would be on its way
	if after := len(h.eventReasons(t, "web")) + len(h.eventReasons(t, "plain")); after != before {
		t.Errorf("the restart recorded %d Events: web %v, plain %v", after-before, h.eventReasons(t, "web"), h.eventReasons(t, "plain"))
	}
	if !slices.ContainsFunc(logs.lines()[logged:], func(l string) bool {
		return strings.Contains(l, `"msg"="recovery done" "owners"=2 "recovered"=2 "allocated"=0 "waiting"=0`)
	}) {
		t.Errorf("no recovery line with its counts: %q", logs.lines()[logged:])
	}

	// A count edit is refused by the API server itself (the CRD's CEL rule
	// makes spec.count immutable), so nothing reaches the adapter and the
	// addresses stay. A cluster still on an older CRD lets the edit through;
	// the machine then refuses it with ErrWantChanged and a
	// CountChangeRefused notice, which ipamtest's Notices property and the
	// issue-14 transcript check.
	kept := h.statuses()["plain"].Status.Addresses
	_, err = h.gips.Patch(ctx, "plain", types.MergePatchType, []byte(`{"spec":{"count":3}}`), metav1.PatchOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "spec.count is immutable") {
		t.Fatalf("count edit: %v, want Invalid from the CRD's rule", err)
	}
	r.settled(t, 20*time.Second, 2)
	if g := h.statuses()["plain"]; !slices.Equal(g.Status.Addresses, kept) {
		t.Errorf("plain's addresses changed from %v to %v", kept, g.Status.Addresses)
	}
	r.stopCleanly(t)
}

// events lists the Events regarding the GlobalIP called name, with the
// given reason.
func (h *harness) events(t testing.TB, name, reason string) []eventsv1.Event {
	t.Helper()
	list, err := h.kube.EventsV1().Events(h.ns).List(context.Background(), metav1.ListOptions{
		FieldSelector: "regarding.name=" + name + ",regarding.kind=GlobalIP,reason=" + reason})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// eventReasons lists the reasons of the Events regarding the GlobalIP
// called name.
func (h *harness) eventReasons(t testing.TB, name string) []string {
	t.Helper()
	list, err := h.kube.EventsV1().Events(h.ns).List(context.Background(), metav1.ListOptions{
		FieldSelector: "regarding.name=" + name + ",regarding.kind=GlobalIP"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Reason)
	}
	slices.Sort(out)
	return out
}

// metricValue gathers reg and returns the value of the metric called
// name whose one label has the value label (any, if label is empty).
func metricValue(t testing.TB, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if label == "" || len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == label {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// With ServiceAddresses AnnotationOnly, the internal Service carries the
// addresses in its annotation and has no external IPs (so the API server
// has nothing to warn about); an annotation edited by hand is repaired.
func TestServiceAddressesAnnotationOnly(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	ctx := context.Background()
	cfg := h.config(nil)
	cfg.ServiceAddresses = ipamkube.AnnotationOnly
	r := h.start(cfg)
	h.create([]spec{{name: "web", service: true}})
	r.settled(t, 20*time.Second, 1)
	svcs := h.kube.CoreV1().Services(h.ns)
	name := v1alpha1.InternalServiceName("web")
	want := strings.Join(h.statuses()["web"].Status.Addresses, ",")
	svc, err := svcs.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.Spec.ExternalIPs) != 0 || svc.Annotations[ipamkube.AnnotationAddresses] != want {
		t.Fatalf("Service: externalIPs %v, annotation %q; want none and %q", svc.Spec.ExternalIPs, svc.Annotations[ipamkube.AnnotationAddresses], want)
	}
	svc.Annotations[ipamkube.AnnotationAddresses] = "242.254.99.99"
	if _, err := svcs.Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the annotation repaired", func() (bool, string) {
		svc, err := svcs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return svc.Annotations[ipamkube.AnnotationAddresses] == want, svc.Annotations[ipamkube.AnnotationAddresses]
	})
	waitFor(t, 10*time.Second, "a DependencyMismatch Event", func() (bool, string) {
		return len(h.events(t, "web", ipam.ReasonDependencyMismatch)) == 1, fmt.Sprint(h.eventReasons(t, "web"))
	})
	r.stopCleanly(t)
}
