package ipamkube_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// The sequences of issue 12, through the real adapter and API server with
// the proxy between them. Each test watches GlobalIPs and the adapter's
// Services as the administrator for its whole length (monitor) and fails
// if an address is ever shown by two owners (in a status, or carried by
// an owner's internal Service) or if what an owner is shown with ever
// changes, restarts included; and each requires that everything converges
// once the faults stop.

// Restart after a lost first status write: every status write of o fails
// before reaching the server; meanwhile its Service may be created. The
// adapter is stopped while that lasts, new owners whose names list first
// arrive, and a new adapter starts without faults. Whatever the Service
// carried must not go to anyone else, and it must end carrying o's
// status address.
func TestUnknownRestartAfterLostFirstStatusWrite(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	mon := h.monitor()
	defer mon.stop()
	p := newProxy(1)
	p.start = mon.start
	defer func() { logOnFailure(t, mon, p) }()

	// Refused three times (answers that say the write did not happen),
	// then reset before sending (which the adapter cannot tell from a
	// reset after): the fourth attempt is the last before the restart,
	// however the adapter treats a write whose outcome it cannot know.
	lost := p.inject(statusWriteOf("z-o"), -1, fail503, fail500, fail429, resetBefore)
	first := h.start(h.config(p.wrap))
	h.create([]spec{{name: "z-o", service: true}})
	// An adapter that creates the Service before the status write is
	// applied does so at once, well within these attempts' backoff.
	waitFor(t, 20*time.Second, "z-o's status write refused 4 times", func() (bool, string) {
		return p.hitsOf(lost) >= 4, fmt.Sprintf("%d refused", p.hitsOf(lost))
	})
	svc, err := h.kube.CoreV1().Services(h.ns).Get(context.Background(), v1alpha1.InternalServiceName("z-o"), metav1.GetOptions{})
	var carried []string
	switch {
	case err == nil:
		carried = svc.Spec.ExternalIPs
		t.Logf("before the restart z-o's Service carries %v while its status records %v", carried, h.statuses()["z-o"].Status.Addresses)
	case apierrors.IsNotFound(err):
		t.Logf("before the restart z-o has no Service: none is created before its address is durable")
	default:
		t.Fatal(err)
	}
	first.stopCleanly(t)
	mon.mark("first adapter stopped")

	// Owners that arrive during the restart, and list before z-o.
	h.create(owners("a", 4, 2))
	p.off()
	mon.mark("a-00000..a-00003 created, faults off, second adapter starting")
	second := h.start(h.config(p.wrap))
	h.waitConverged(t, second, 5, 30*time.Second)
	second.stopCleanly(t)

	final := h.statuses()
	for name, g := range final {
		if name != "z-o" && len(carried) > 0 && slices.Equal(g.Status.Addresses, carried) {
			t.Errorf("%s was given %v, which z-o's Service carried before the restart", name, carried)
		}
	}
	if len(carried) > 0 && !slices.Equal(final["z-o"].Status.Addresses, carried) {
		t.Errorf("z-o records %v, but its Service carried %v before the restart", final["z-o"].Status.Addresses, carried)
	}
	h.checkServices(final)
	mon.check(t)
	t.Logf("faults injected: %v", p.injected())
}

// A write whose answer was lost: the GlobalIP watch is cut and kept from
// resuming (the adapter's cache goes stale), o's Service is deleted, and
// the status write that says so reaches the server but its answer is
// replaced by a connection reset. The server then records
// DependencyReady=False/Recreating while the adapter's cache still shows
// the old True. Once the watch resumes (answered first with 410 Gone, so
// client-go relists), the adapter must converge to the truth: the Service
// exists, so DependencyReady=True.
func TestUnknownWriteAnswerLost(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	mon := h.monitor()
	defer mon.stop()
	p := newProxy(2)
	p.start = mon.start
	defer func() { logOnFailure(t, mon, p) }()
	ctx := context.Background()

	r := h.start(h.config(p.wrap))
	h.create([]spec{{name: "o", service: true}, {name: "p", service: true}, {name: "q"}})
	h.waitConverged(t, r, 3, 30*time.Second)
	before := h.statuses()["o"]
	t.Logf("o before: %v %s", before.Status.Addresses, condString(meta.FindStatusCondition(before.Status.Conditions, ipam.ConditionDependencyReady)))

	p.hold(collectionReads("globalips"))
	lost := p.inject(statusWriteOf("o"), 1, resetAfter)
	mon.mark("deleting o's Service")
	if err := h.kube.CoreV1().Services(h.ns).Delete(ctx, v1alpha1.InternalServiceName("o"), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "o's status write served and its answer lost", func() (bool, string) {
		return p.hitsOf(lost) == 1, "not yet"
	})
	waitFor(t, 20*time.Second, "o's Service recreated", func() (bool, string) {
		_, err := h.kube.CoreV1().Services(h.ns).Get(ctx, v1alpha1.InternalServiceName("o"), metav1.GetOptions{})
		return err == nil, errString(err)
	})
	// Let the adapter act on its stale cache before the watch resumes:
	// one that believes it has nothing left to do settles; one that
	// knows the write's outcome is unknown may legitimately wait for an
	// observation, so this wait is bounded and does not fail.
	settle(r, 5*time.Second)
	server := h.statuses()["o"]
	t.Logf("while the watch is held the server records %s for o; the adapter: %+v",
		condString(meta.FindStatusCondition(server.Status.Conditions, ipam.ConditionDependencyReady)), r.State())

	relist := p.inject(watchesOf("globalips"), 1, gone)
	mon.mark("adapter state %+v; releasing the GlobalIP watch", r.State())
	p.release()
	h.waitConverged(t, r, 3, 20*time.Second)
	r.stopCleanly(t)
	if p.hitsOf(relist) != 1 {
		t.Errorf("the GlobalIP watch was not answered 410 Gone after the hold")
	}
	after := h.statuses()
	h.checkServices(after)
	checkKept(t, addresses(map[string]*v1alpha1.GlobalIP{"o": before}), addresses(after))
	mon.check(t)
}

// A tampered internal Service: once everything has converged, an
// administrator sets o's Service's externalIPs to p's address. The
// adapter must put o's address back.
func TestUnknownTamperedServiceRepaired(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	mon := h.monitor()
	defer mon.stop()
	defer func() { logOnFailure(t, mon, nil) }()
	ctx := context.Background()

	r := h.start(h.config(nil))
	h.create([]spec{{name: "o", service: true}, {name: "p", service: true}})
	h.waitConverged(t, r, 2, 30*time.Second)
	gips := h.statuses()
	own, theirs := gips["o"].Status.Addresses, gips["p"].Status.Addresses

	svcs := h.kube.CoreV1().Services(h.ns)
	svc, err := svcs.Get(ctx, v1alpha1.InternalServiceName("o"), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc.Spec.ExternalIPs = slices.Clone(theirs)
	mon.allow("o", theirs) // the test's own write, not the adapter's
	mon.mark("setting o's Service's externalIPs to p's %v", theirs)
	if _, err := svcs.Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "o's Service carrying o's address again", func() (bool, string) {
		svc, err := svcs.Get(ctx, v1alpha1.InternalServiceName("o"), metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return slices.Equal(svc.Spec.ExternalIPs, own), fmt.Sprintf("carries %v, o records %v", svc.Spec.ExternalIPs, own)
	})
	h.waitConverged(t, r, 2, 20*time.Second)
	r.stopCleanly(t)
	after := h.statuses()
	h.checkServices(after)
	checkKept(t, addresses(gips), addresses(after))
	mon.check(t)
}

// Random faults (30% of the adapter's requests: 5xx, 429, hangs, resets
// before and after the server acted, lying 404s on Service lookups,
// watches cut or answered 410) with a restart inside the window, owners
// arriving during the restart that list before the first ones, and the
// new adapter also under faults for a while. Each run: no address shown
// by two owners, none changed, and convergence once the faults stop.
func TestUnknownRandomFaultsAcrossRestart(t *testing.T) {
	const runs = 8
	for run := range runs {
		seed := uint64(run + 1)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { randomFaultsAcrossRestart(t, seed) })
	}
}

func randomFaultsAcrossRestart(t *testing.T, seed uint64) {
	const early, late = 12, 6
	h := newHarness(t)
	defer h.leakCheck()()
	mon := h.monitor()
	defer mon.stop()
	p := newProxy(seed)
	p.start = mon.start
	defer func() { logOnFailure(t, mon, p) }()

	p.randomly(0.3, anyCall)
	// And the first two lookups of one owner's Service are told it does
	// not exist, a lie: it is to be recreated, with the same address.
	p.inject(serviceGetOf("m-00000"), 2, fail404)
	first := h.start(h.config(p.wrap))
	h.create(owners("m", early, 2))
	// Restart inside the window: some owners are under way, with a
	// status or a Service, and faults have been injected.
	waitFor(t, 30*time.Second, "some owners under way", func() (bool, string) {
		n := mon.underWay()
		return n >= early/3 && p.total() >= 5, fmt.Sprintf("%d under way, %d faults", n, p.total())
	})
	first.stopCleanly(t)
	mon.mark("first adapter stopped")
	h.create(owners("a", late, 2))
	mon.mark("a-* created; second adapter starting, faults on")
	second := h.start(h.config(p.wrap))
	faultsBefore := p.total()
	waitFor(t, 30*time.Second, "faults injected after the restart", func() (bool, string) {
		return p.total()-faultsBefore >= 8 || second.State().Settled(), fmt.Sprintf("%d faults", p.total()-faultsBefore)
	})
	p.off()
	mon.mark("faults off")
	h.waitConverged(t, second, early+late, 30*time.Second)
	second.stopCleanly(t)
	h.checkServices(h.statuses())
	mon.check(t)
	t.Logf("faults injected: %v", p.injected())
}

// waitConverged waits until r has settled with n owners and the server
// shows them converged: each owner Allocated with one address of the
// pool, no two the same, and each owner asking for an internal Service
// has one, ours, carrying its address, with DependencyReady=True.
func (h *harness) waitConverged(t testing.TB, r *running, n int, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, "converged", func() (bool, string) {
		if st := r.State(); !st.Settled() || st.Owners != n {
			return false, fmt.Sprintf("adapter %+v", st)
		}
		return h.converged(n)
	})
}

func (h *harness) converged(n int) (bool, string) {
	gips := h.statuses()
	if len(gips) != n {
		return false, fmt.Sprintf("%d owners, want %d", len(gips), n)
	}
	list, err := h.kube.CoreV1().Services(h.ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		return false, err.Error()
	}
	svcs := map[string]*corev1.Service{}
	for i := range list.Items {
		svcs[list.Items[i].Name] = &list.Items[i]
	}
	holder := map[string]string{}
	for _, name := range sortedKeys(gips) {
		g := gips[name]
		if len(g.Status.Addresses) != 1 || !pool.Contains(netip.MustParseAddr(g.Status.Addresses[0])) {
			return false, fmt.Sprintf("%s records %v", name, g.Status.Addresses)
		}
		a := g.Status.Addresses[0]
		if other, dup := holder[a]; dup {
			return false, fmt.Sprintf("%s and %s both record %s", other, name, a)
		}
		holder[a] = name
		if c := meta.FindStatusCondition(g.Status.Conditions, ipam.ConditionAllocated); c == nil || c.Status != metav1.ConditionTrue {
			return false, fmt.Sprintf("%s: Allocated %s", name, condString(c))
		}
		if !g.Spec.InternalService {
			continue
		}
		if c := meta.FindStatusCondition(g.Status.Conditions, ipam.ConditionDependencyReady); c == nil || c.Status != metav1.ConditionTrue {
			return false, fmt.Sprintf("%s: DependencyReady %s", name, condString(c))
		}
		svc := svcs[v1alpha1.InternalServiceName(name)]
		switch {
		case svc == nil:
			return false, name + ": no Service"
		case !slices.Equal(svc.Spec.ExternalIPs, g.Status.Addresses):
			return false, fmt.Sprintf("%s: Service carries %v, status records %v", name, svc.Spec.ExternalIPs, g.Status.Addresses)
		case metav1.GetControllerOf(svc) == nil || metav1.GetControllerOf(svc).UID != g.UID:
			return false, name + ": Service not controlled by it"
		}
	}
	return true, ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// settle waits up to max for r to settle, and does not fail if it does
// not: an adapter may rightly stay busy while it cannot observe.
func settle(r *running, max time.Duration) {
	deadline := time.Now().Add(max)
	for !r.State().Settled() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// logOnFailure logs, when t has failed, the monitor's timeline and the
// proxy's log: the sequence the test observed.
func logOnFailure(t *testing.T, mon *monitor, p *proxy) {
	if !t.Failed() {
		return
	}
	lines := mon.lines()
	if p != nil {
		lines = append(lines, p.events()...)
		slices.SortStableFunc(lines, func(a, b string) int { return strings.Compare(a[:9], b[:9]) })
	}
	if len(lines) > 300 {
		t.Logf("... %d earlier lines", len(lines)-300)
		lines = lines[len(lines)-300:]
	}
	t.Logf("observed sequence:\n%s", strings.Join(lines, "\n"))
}

// monitor watches the test's GlobalIPs and the adapter's Services as the
// administrator, from before the adapters start until stop, and checks
// at every event that no address is shown by two owners (in a status, or
// carried by the owner's internal Service) and that nothing an owner is
// shown with ever changes: once shown, an address list stays the owner's,
// across restarts. It keeps a timeline for failure reports.
type monitor struct {
	start  time.Time
	cancel context.CancelFunc
	done   chan struct{}

	mu         sync.Mutex
	status     map[string][]string   // owner: its status's addresses now
	conds      map[string]string     // owner: its conditions now, as text
	svc        map[string][]string   // owner: its Service's externalIPs now
	shown      map[string][][]string // owner: every distinct non-empty list shown
	holder     map[string]string     // address: the first owner shown with it
	allowed    map[string][]string   // owner: a Service list the test itself wrote
	violations []string
	timeline   []string
}

func (h *harness) monitor() *monitor {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := &monitor{start: time.Now(), cancel: cancel, done: make(chan struct{}),
		status: map[string][]string{}, conds: map[string]string{}, svc: map[string][]string{},
		shown: map[string][][]string{}, holder: map[string]string{}, allowed: map[string][]string{}}
	gf := dynamicinformer.NewFilteredDynamicSharedInformerFactory(h.dyn, 0, h.ns, nil)
	gi := gf.ForResource(v1alpha1.GlobalIPResource).Informer()
	sf := informers.NewSharedInformerFactoryWithOptions(h.kube, 0, informers.WithNamespace(h.ns))
	si := sf.Core().V1().Services().Informer()
	_, err1 := gi.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: m.globalIP, UpdateFunc: func(_, obj any) { m.globalIP(obj) },
	})
	_, err2 := si.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: m.service, UpdateFunc: func(_, obj any) { m.service(obj) },
		DeleteFunc: m.serviceDeleted,
	})
	if err1 != nil || err2 != nil {
		h.t.Fatal(err1, err2)
	}
	gf.Start(ctx.Done())
	sf.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), gi.HasSynced, si.HasSynced) {
		h.t.Fatal("monitor informers did not sync")
	}
	go func() {
		<-ctx.Done()
		gf.Shutdown()
		sf.Shutdown()
		close(m.done)
	}()
	return m
}

func (m *monitor) stop() {
	m.cancel()
	<-m.done
}

// allow exempts o's Service carrying addrs, which the test wrote itself.
func (m *monitor) allow(o string, addrs []string) {
	m.mu.Lock()
	m.allowed[o] = slices.Clone(addrs)
	m.mu.Unlock()
}

// mark puts a line of the test's own in the timeline.
func (m *monitor) mark(format string, args ...any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.timeline = append(m.timeline, fmt.Sprintf("%+8.3fs test:  ", time.Since(m.start).Seconds())+fmt.Sprintf(format, args...))
}

func (m *monitor) logf(format string, args ...any) {
	m.timeline = append(m.timeline, fmt.Sprintf("%+8.3fs watch: ", time.Since(m.start).Seconds())+fmt.Sprintf(format, args...))
}

func (m *monitor) globalIP(obj any) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return
	}
	g := new(v1alpha1.GlobalIP)
	if err := v1alpha1.FromUnstructured(u, g); err != nil {
		return
	}
	var conds []string
	for _, typ := range []string{ipam.ConditionAllocated, ipam.ConditionDependencyReady} {
		if c := meta.FindStatusCondition(g.Status.Conditions, typ); c != nil {
			conds = append(conds, condString(c))
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	text := strings.Join(conds, " ")
	if _, known := m.status[g.Name]; known && slices.Equal(m.status[g.Name], g.Status.Addresses) && m.conds[g.Name] == text {
		return
	}
	m.status[g.Name], m.conds[g.Name] = g.Status.Addresses, text
	m.logf("GlobalIP %s rv %s: status %v %s", g.Name, g.ResourceVersion, g.Status.Addresses, text)
	m.shows(g.Name, "its status", g.Status.Addresses)
}

// ownerOf is the GlobalIP whose internal Service svc is, if it is one of
// the adapter's.
func ownerOf(svc *corev1.Service) (string, bool) {
	ref := metav1.GetControllerOf(svc)
	if svc.Labels[ipamkube.LabelManagedBy] != ipamkube.ManagedBy || ref == nil || ref.Kind != "GlobalIP" {
		return "", false
	}
	return ref.Name, true
}

func (m *monitor) service(obj any) {
	svc, ok := obj.(*corev1.Service)
	if !ok {
		return
	}
	o, ok := ownerOf(svc)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, known := m.svc[o]; known && slices.Equal(cur, svc.Spec.ExternalIPs) {
		return
	}
	m.svc[o] = svc.Spec.ExternalIPs
	m.logf("Service of %s rv %s: externalIPs %v", o, svc.ResourceVersion, svc.Spec.ExternalIPs)
	if allowed, ok := m.allowed[o]; ok && slices.Equal(allowed, svc.Spec.ExternalIPs) {
		return
	}
	m.shows(o, "its Service", svc.Spec.ExternalIPs)
}

func (m *monitor) serviceDeleted(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	svc, ok := obj.(*corev1.Service)
	if !ok {
		return
	}
	if o, ok := ownerOf(svc); ok {
		m.mu.Lock()
		delete(m.svc, o)
		m.logf("Service of %s deleted", o)
		m.mu.Unlock()
	}
}

// shows records that owner o is shown with addrs by where; m.mu is held.
func (m *monitor) shows(o, where string, addrs []string) {
	if len(addrs) == 0 {
		return
	}
	if prev := m.shown[o]; len(prev) > 0 && !slices.ContainsFunc(prev, func(s []string) bool { return slices.Equal(s, addrs) }) {
		m.violation("%s changed: %s shows %v, after %v", o, where, addrs, prev)
	}
	if !slices.ContainsFunc(m.shown[o], func(s []string) bool { return slices.Equal(s, addrs) }) {
		m.shown[o] = append(m.shown[o], slices.Clone(addrs))
	}
	for _, a := range addrs {
		if other, ok := m.holder[a]; ok && other != o {
			m.violation("%s shown by both %s and %s (%s)", a, other, o, where)
			continue
		}
		m.holder[a] = o
	}
}

func (m *monitor) violation(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if slices.ContainsFunc(m.violations, func(v string) bool { return strings.HasSuffix(v, ": "+msg) }) {
		return // seen again in a later event
	}
	m.violations = append(m.violations, fmt.Sprintf("at %+.3fs: %s", time.Since(m.start).Seconds(), msg))
	m.logf("VIOLATION: %s", msg)
}

// underWay counts the owners shown with an address, in a status or by a
// Service.
func (m *monitor) underWay() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.shown)
}

func (m *monitor) lines() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.timeline)
}

// check fails t for each violation seen.
func (m *monitor) check(t testing.TB) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, v := range m.violations {
		t.Error(v)
	}
}
