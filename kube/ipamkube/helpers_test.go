package ipamkube_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/ipamkube"
	"github.com/meshstate/meshstate/retry"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

// pool is every test's pool: the adapters are confined to their test's
// namespace, so pools never meet.
var pool = netip.MustParsePrefix("242.254.0.0/16")

// harness is one test's namespace on the shared control plane, with an
// administrator's clients (for the test's own reads and writes) and the
// configuration of a user bound only to config/rbac/ipam.yaml, which the
// adapters under test use.
type harness struct {
	t    testing.TB
	env  *kubetest.Env
	ns   string
	dyn  dynamic.Interface
	kube kubernetes.Interface
	user *rest.Config
	gips dynamic.ResourceInterface
	// runners are the adapters started, stopped by leakCheck if a
	// failing test left them running.
	runners []*running
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	h := &harness{t: t, env: env, ns: ns,
		dyn:  dynamic.NewForConfigOrDie(env.Config),
		kube: kubernetes.NewForConfigOrDie(env.Config),
		user: env.UserWithRole(t, "ipam-"+ns, "ipam.yaml"),
	}
	h.gips = h.dyn.Resource(v1alpha1.GlobalIPResource).Namespace(ns)
	return h
}

// leakCheck returns a function that fails t if goroutines started since
// are still running. The test's own clients and the adapters share
// client-go's cached transports, whose connections outlive any one
// client: the check closes their idle connections, again until a
// connection that was still closing its last stream has gone idle.
func (h *harness) leakCheck() func() {
	current := goleak.IgnoreCurrent()
	return func() {
		for _, r := range h.runners {
			r.cancel()
			<-r.exited
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			for _, c := range []*rest.Config{h.env.Config, h.user} {
				if hc, err := rest.HTTPClientFor(c); err == nil {
					utilnet.CloseIdleConnectionsFor(hc.Transport)
				}
			}
			if goleak.Find(current) == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		goleak.VerifyNone(h.t, current)
	}
}

// config is an adapter configuration for the test's namespace, as the
// RBAC-bound user, with fast retries so that recoveries from faults take
// seconds. wrap, if set, wraps the user's transport.
func (h *harness) config(wrap func(http.RoundTripper) http.RoundTripper) ipamkube.Config {
	rc := rest.CopyConfig(h.user)
	if wrap != nil {
		rc.Wrap(wrap)
	}
	return ipamkube.Config{
		REST:      rc,
		Namespace: h.ns,
		Machine: ipam.Config{Prefixes: []netip.Prefix{pool},
			Retry:     retry.Schedule{Initial: 50 * time.Millisecond, Max: 500 * time.Millisecond, Multiplier: 2, Jitter: 0.2},
			SlowRetry: retry.Schedule{Initial: time.Minute, Max: time.Minute, Multiplier: 1, Jitter: 0.2}},
	}
}

// running is an adapter whose Run is under way.
type running struct {
	*ipamkube.Adapter
	cancel context.CancelFunc
	exited chan struct{} // closed when Run has returned err
	err    error
}

func (h *harness) start(cfg ipamkube.Config) *running {
	h.t.Helper()
	a, err := ipamkube.New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.run(a)
}

func (h *harness) run(a *ipamkube.Adapter) *running {
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Adapter: a, cancel: cancel, exited: make(chan struct{})}
	go func() {
		r.err = a.Run(ctx)
		close(r.exited)
	}()
	h.runners = append(h.runners, r)
	return r
}

// stop cancels Run and returns its error, failing if it takes over 10s.
func (r *running) stop(t testing.TB) error {
	t.Helper()
	r.cancel()
	select {
	case <-r.exited:
		return r.err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of its context being cancelled")
		return nil
	}
}

// stopCleanly stops r and fails unless Run returned context.Canceled.
func (r *running) stopCleanly(t testing.TB) {
	t.Helper()
	if err := r.stop(t); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
}

// waitFor polls cond every 10ms until it holds, failing after timeout
// with cond's last explanation.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		ok, why := cond()
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("%s: not after %v: %s", what, timeout, why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settled waits until r has settled with n owners.
func (r *running) settled(t testing.TB, timeout time.Duration, n int) time.Duration {
	t.Helper()
	return waitFor(t, timeout, "adapter settled", func() (bool, string) {
		st := r.State()
		return st.Settled() && st.Owners == n && st.Waiting == 0, fmt.Sprintf("%+v", st)
	})
}

// spec says what owner i of a batch asks for.
type spec struct {
	name    string
	service bool
}

func owners(prefix string, n, serviceEvery int) []spec {
	out := make([]spec, n)
	for i := range out {
		out[i] = spec{name: fmt.Sprintf("%s-%05d", prefix, i), service: serviceEvery > 0 && i%serviceEvery == 0}
	}
	return out
}

// create creates the owners with 32 requests at once.
func (h *harness) create(specs []spec) {
	h.t.Helper()
	err := parallel(len(specs), 32, func(i int) error {
		u, err := v1alpha1.ToUnstructured(&v1alpha1.GlobalIP{
			ObjectMeta: metav1.ObjectMeta{Name: specs[i].name, Namespace: h.ns},
			Spec:       v1alpha1.GlobalIPSpec{InternalService: specs[i].service},
		})
		if err == nil {
			_, err = h.gips.Create(context.Background(), u, metav1.CreateOptions{})
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// parallel runs f(0..n-1) on w goroutines and returns the first error.
func parallel(n, w int, f func(i int) error) error {
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	next := make(chan int)
	for range w {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// statuses lists the namespace's GlobalIPs.
func (h *harness) statuses() map[string]*v1alpha1.GlobalIP {
	h.t.Helper()
	list, err := h.gips.List(context.Background(), metav1.ListOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	out := make(map[string]*v1alpha1.GlobalIP, len(list.Items))
	for i := range list.Items {
		g := new(v1alpha1.GlobalIP)
		if err := v1alpha1.FromUnstructured(&list.Items[i], g); err != nil {
			h.t.Fatal(err)
		}
		out[g.Name] = g
	}
	return out
}

// checkAllocated fails unless every GlobalIP holds one address of the
// pool, no two the same, and its conditions say so.
func checkAllocated(t testing.TB, gips map[string]*v1alpha1.GlobalIP) {
	t.Helper()
	holder := map[string]string{}
	for name, g := range gips {
		if len(g.Status.Addresses) != 1 {
			t.Errorf("%s: addresses %v, want one", name, g.Status.Addresses)
			continue
		}
		a := g.Status.Addresses[0]
		if other, dup := holder[a]; dup {
			t.Errorf("%s and %s both hold %s", name, other, a)
		}
		holder[a] = name
		if !pool.Contains(netip.MustParseAddr(a)) {
			t.Errorf("%s: %s is not in %v", name, a, pool)
		}
		if !meta.IsStatusConditionTrue(g.Status.Conditions, ipam.ConditionAllocated) {
			t.Errorf("%s: conditions %v, want Allocated", name, g.Status.Conditions)
		}
		if g.Spec.InternalService && !meta.IsStatusConditionTrue(g.Status.Conditions, ipam.ConditionDependencyReady) {
			t.Errorf("%s: conditions %v, want DependencyReady", name, g.Status.Conditions)
		}
	}
}

// checkServices fails unless every GlobalIP asking for an internal
// Service has one, carrying its addresses and controlled by it.
func (h *harness) checkServices(gips map[string]*v1alpha1.GlobalIP) {
	h.t.Helper()
	list, err := h.kube.CoreV1().Services(h.ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	svcs := map[string]*corev1.Service{}
	for i := range list.Items {
		svcs[list.Items[i].Name] = &list.Items[i]
	}
	for name, g := range gips {
		if !g.Spec.InternalService {
			continue
		}
		svc := svcs[v1alpha1.InternalServiceName(name)]
		switch {
		case svc == nil:
			h.t.Errorf("%s: no internal Service", name)
		case !slices.Equal(svc.Spec.ExternalIPs, g.Status.Addresses):
			h.t.Errorf("%s: Service carries %v, status %v", name, svc.Spec.ExternalIPs, g.Status.Addresses)
		case svc.Labels[ipamkube.LabelManagedBy] != ipamkube.ManagedBy || metav1.GetControllerOf(svc) == nil ||
			metav1.GetControllerOf(svc).UID != g.UID || svc.Spec.Type != corev1.ServiceTypeClusterIP:
			h.t.Errorf("%s: Service %+v is not a ClusterIP Service labelled ours and controlled by the GlobalIP", name, svc.ObjectMeta)
		}
	}
}

// addresses maps each GlobalIP to its addresses.
func addresses(gips map[string]*v1alpha1.GlobalIP) map[string][]string {
	out := make(map[string][]string, len(gips))
	for name, g := range gips {
		out[name] = g.Status.Addresses
	}
	return out
}

// checkKept fails if an owner that held addresses in before holds others
// in after.
func checkKept(t testing.TB, before, after map[string][]string) {
	t.Helper()
	for name, was := range before {
		if len(was) > 0 && !slices.Equal(was, after[name]) {
			t.Errorf("%s: addresses changed from %v to %v", name, was, after[name])
		}
	}
}

// dynFor is the namespace's GlobalIP client for the user of cfg.
func (h *harness) dynFor(t testing.TB, cfg *rest.Config) dynamic.ResourceInterface {
	t.Helper()
	d, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d.Resource(v1alpha1.GlobalIPResource).Namespace(h.ns)
}
