package vipkube_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/discovery/vip/viptest"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipkube"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

const node = "node-a"

// call is one Announcer call as the recorder saw it.
type call struct {
	Op       string // "announce" or "withdraw"
	VIP      netip.Addr
	Services []string
	Synced   bool // the adapter's Status said so at the time
	At       time.Time
}

func (c call) String() string { return fmt.Sprintf("%s %v %v", c.Op, c.VIP, c.Services) }

// recorder is an Announcer and Committer that records its calls in
// batches, one per Commit.
type recorder struct {
	mu      sync.Mutex
	synced  func() bool
	open    []call
	all     []call
	batches [][]call
	commits []time.Time
	fail    func(call) error // injected failures, if set
}

func (r *recorder) add(c call) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.Synced, c.At = r.synced(), time.Now()
	if r.fail != nil {
		if err := r.fail(c); err != nil {
			return err
		}
	}
	r.open = append(r.open, c)
	r.all = append(r.all, c)
	return nil
}

func (r *recorder) Announce(_ context.Context, vip netip.Addr, services []string) error {
	return r.add(call{Op: "announce", VIP: vip, Services: services})
}

func (r *recorder) Withdraw(_ context.Context, vip netip.Addr) error {
	return r.add(call{Op: "withdraw", VIP: vip})
}

func (r *recorder) Commit(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, r.open)
	r.commits = append(r.commits, time.Now())
	r.open = nil
	return nil
}

func (r *recorder) committed() ([][]call, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.batches), slices.Clone(r.commits)
}

func (r *recorder) calls() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.all)
}

// announced returns the VIPs the calls so far leave announced.
func (r *recorder) announced() []netip.Addr {
	set := map[netip.Addr]bool{}
	for _, c := range r.calls() {
		set[c.VIP] = c.Op == "announce"
	}
	var out []netip.Addr
	for a, on := range set {
		if on {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out
}

// lbService is a LoadBalancer Service asking for vip (spec.loadBalancerIP;
// envtest runs no load-balancer controller to fill the status).
func lbService(ns, name, vip string, local bool) *corev1.Service {
	no := false
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerIP: vip,
			AllocateLoadBalancerNodePorts: &no,
			Ports:                         []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}}}
	if local {
		s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
	}
	return s
}

// endpointSlice is a slice of service with one endpoint on nodeName.
func endpointSlice(ns, name, service, nodeName string, ready bool) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name,
		Labels: map[string]string{discoveryv1.LabelServiceName: service}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.244.0.10"},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready}, NodeName: &nodeName}}}
	if service == "" {
		delete(s.Labels, discoveryv1.LabelServiceName)
	}
	return s
}

func createService(t testing.TB, cs kubernetes.Interface, s *corev1.Service) *corev1.Service {
	t.Helper()
	out, err := cs.CoreV1().Services(s.Namespace).Create(context.Background(), s, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func createSlice(t testing.TB, cs kubernetes.Interface, s *discoveryv1.EndpointSlice) *discoveryv1.EndpointSlice {
	t.Helper()
	out, err := cs.DiscoveryV1().EndpointSlices(s.Namespace).Create(context.Background(), s, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// replayVIP replays a recorded trace through a fresh machine, checked by
// the test kit's viptest.Checker, and requires the effects to be the calls the
// announcer received, in order.
func replayVIP(t *testing.T, cfg vip.Config, trace []byte, calls []call) {
	t.Helper()
	m, err := vip.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	checker := viptest.NewChecker(cfg)
	var got []string
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		ev, err := vip.UnmarshalEvent(sc.Bytes())
		if err != nil {
			t.Fatalf("trace line %d: %v", n+1, err)
		}
		n++
		effects, err := m.Step(ev)
		if err := checker.Observe(ev, effects, err); err != nil {
			t.Fatalf("replay, event %d: %v", n, err)
		}
		for _, e := range effects {
			if e.Kind == vip.Commit || e.Kind == vip.RetryAfter {
				continue // not an Announcer call
			}
			op := "announce"
			if e.Kind == vip.Withdraw {
				op, e.Services = "withdraw", nil
			}
			got = append(got, call{Op: op, VIP: e.VIP, Services: e.Services}.String())
		}
	}
	var want []string
	for _, c := range calls {
		want = append(want, c.String())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("replaying %d traced events gives\n%v\nthe announcer received\n%v", n, got, want)
	}
	t.Logf("replayed %d traced events: %d identical effects", n, len(got))
}

// vipConfig is the VIP machine's configuration in these tests.
func vipConfig() vip.Config { return vip.Config{NodeName: node} }

// newAdapter is a VIP adapter for ns on node, run through c, that
// announces to rec (which sees whether it had synced at each call) and
// records the events it steps to trace, if set.
func newAdapter(t *testing.T, c *kubetest.Clients, ns string, rec *recorder, trace io.Writer) *vipkube.Adapter {
	t.Helper()
	a, err := vipkube.New(vipkube.Config{Client: c.Kube, Namespace: ns,
		Machine: vipConfig(), Announcer: rec, Trace: trace})
	if err != nil {
		t.Fatal(err)
	}
	rec.synced = func() bool { return a.Status().Synced }
	return a
}
