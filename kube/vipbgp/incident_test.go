package vipbgp_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// thisNode is the node the announcer runs on in the incident test.
const thisNode = "node-a"

// lbService is a LoadBalancer Service asking for vip
// (spec.loadBalancerIP; envtest runs no load-balancer controller to fill
// the status), as in kube/vipkube's tests.
func lbService(ns, name, vip string) *corev1.Service {
	no := false
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerIP: vip,
			AllocateLoadBalancerNodePorts: &no,
			Ports:                         []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}}}
}

// endpointSlice is a slice of service with one endpoint on nodeName.
func endpointSlice(ns, service, nodeName string, ready bool) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: service + "-abc12",
		Labels: map[string]string{discoveryv1.LabelServiceName: service}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.244.0.10"},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready}, NodeName: &nodeName}}}
}

// cluster creates and deletes the test's objects.
type cluster struct {
	t  *testing.T
	cs kubernetes.Interface
	ns string
}

func (c cluster) slice(service, nodeName string, ready bool) {
	c.t.Helper()
	if _, err := c.cs.DiscoveryV1().EndpointSlices(c.ns).Create(context.Background(),
		endpointSlice(c.ns, service, nodeName, ready), metav1.CreateOptions{}); err != nil {
		c.t.Fatal(err)
	}
}

func (c cluster) service(name string, vip netip.Addr) {
	c.t.Helper()
	if _, err := c.cs.CoreV1().Services(c.ns).Create(context.Background(),
		lbService(c.ns, name, vip.String()), metav1.CreateOptions{}); err != nil {
		c.t.Fatal(err)
	}
}

func (c cluster) deleteService(name string) {
	c.t.Helper()
	if err := c.cs.CoreV1().Services(c.ns).Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		c.t.Fatal(err)
	}
}

// hostRoute is vip's host route.
func hostRoute(vip netip.Addr) netip.Prefix { return netip.PrefixFrom(vip, vip.BitLen()) }

// hostRoutes are the host routes of vips, sorted as the peer's table is.
func hostRoutes(vips []netip.Addr) []netip.Prefix {
	out := make([]netip.Prefix, len(vips))
	for i, v := range vips {
		out[i] = hostRoute(v)
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	return out
}

// peerTable is the peer's table, failing t if it cannot be read.
func peerTable(t testing.TB, p *vipbgptest.Peer) []vipbgptest.Route {
	t.Helper()
	routes, err := p.RIB()
	if err != nil {
		t.Fatal(err)
	}
	return routes
}

// tablePrefixes are the prefixes of the peer's table, in its order.
func tablePrefixes(t testing.TB, p *vipbgptest.Peer) []netip.Prefix {
	t.Helper()
	return vipbgptest.Prefixes(peerTable(t, p))
}

// firstAnnounced is when the peer first received an announcement of
// prefix; zero if never.
func firstAnnounced(p *vipbgptest.Peer, prefix netip.Prefix) time.Time {
	for _, e := range p.Events() {
		if e.Prefix == prefix && !e.Withdraw {
			return e.At
		}
	}
	return time.Time{}
}

// logBuffer is a logger writing to a buffer the test prints if it fails.
func logBuffer(t *testing.T) (logr.Logger, *kubetest.SyncBuffer) {
	var buf kubetest.SyncBuffer
	log := funcr.New(func(prefix, args string) {
		fmt.Fprintf(&buf, "%s %s: %s\n", time.Now().Format("15:04:05.000000"), prefix, args)
	},
		funcr.Options{Verbosity: 1})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("announcer and adapter log:\n%s", buf.String())
		}
	})
	return log, &buf
}

// recordingAnnouncer records the VIPs' Announce and Withdraw calls on
// their way to the announcer, for the test's log.
type recordingAnnouncer struct {
	*vipbgp.Announcer
	mu  sync.Mutex
	log []string
}

// Announce records the call and passes it on.
func (c *recordingAnnouncer) Announce(ctx context.Context, vip netip.Addr, services []string) error {
	c.mu.Lock()
	c.log = append(c.log, fmt.Sprintf("announce %v %v", vip, services))
	c.mu.Unlock()
	return c.Announcer.Announce(ctx, vip, services)
}

// Withdraw records the call and passes it on.
func (c *recordingAnnouncer) Withdraw(ctx context.Context, vip netip.Addr) error {
	c.mu.Lock()
	c.log = append(c.log, fmt.Sprintf("withdraw %v", vip))
	c.mu.Unlock()
	return c.Announcer.Withdraw(ctx, vip)
}

func (c *recordingAnnouncer) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.log)
}

// Incident 004 through a real API server and a real BGP peer: the
// EndpointSlices are created before their Services, all of it before the
// controller starts, as kube-vip's endpoint watcher saw them after a
// restart. The VIPs must be in the peer's table once both caches have
// synced, not on some later relist, and the peer must hear nothing before
// sync (the gate). Then a deleted Service's VIP is withdrawn once, a VIP
// two Services share stays announced while one of them remains, and a
// Service created while the controller runs after its slice (the
// incident's order, live) is announced too.
func TestIncident004OverBGP(t *testing.T) {
	vipbgptest.RequireRoot(t)
	env := kubetest.Own(t) // not kubetest.Shared: vipbgptest.Main, not kubetest.Main, runs the tests
	admin, _ := env.Admin(t)
	ns := env.Namespace(t)
	c := cluster{t: t, cs: admin, ns: ns}

	// Slices first: ready ones on this node (announced), not-ready ones
	// (not announced), and one of no Service; then the Services. Two
	// Services, shared-a and shared-b, share one VIP.
	const n = 20
	var want []netip.Prefix
	vipOf := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)}) }
	for i := range n {
		c.slice(fmt.Sprintf("web-%d", i), thisNode, i%5 != 4)
	}
	c.slice("ghost", thisNode, true)
	c.slice("shared-a", thisNode, true)
	c.slice("shared-b", thisNode, true)
	for i := range n {
		c.service(fmt.Sprintf("web-%d", i), vipOf(i))
		if i%5 != 4 {
			want = append(want, hostRoute(vipOf(i)))
		}
	}
	shared := netip.MustParseAddr("198.51.100.200")
	c.service("shared-a", shared)
	c.service("shared-b", shared)
	want = append(want, hostRoute(shared))
	slices.SortFunc(want, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })

	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	user := env.UserWithRole(t, "bgpvip-1", "discovery.yaml")
	clients := kubetest.NewClients(t, user)
	defer kubetest.NoLeaks(t)()
	defer clients.Close()

	log, _ := logBuffer(t)
	bgp, err := vipbgp.New(vipbgp.Config{ASN: 65000, RouterID: peer.LocalAddress(),
		Peers: []vipbgp.Peer{{Address: peer.Address(), ASN: peer.ASN()}}, Log: log.WithName("bgp")})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingAnnouncer{Announcer: bgp}
	a, err := vipkube.New(vipkube.Config{Client: clients.Kube, Namespace: ns,
		Machine: vip.Config{NodeName: thisNode}, Announcer: rec, Log: log.WithName("vips")})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	speaker := kubetest.Go(bgp.Run)
	adapter := kubetest.Go(a.Run)
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			adapter.Stop(t)
			speaker.Stop(t)
		}
	}
	defer stop() // also when the test fails: before the control plane stops, and before the leak check
	kubetest.WaitFor(t, 30*time.Second, fmt.Sprintf("the %d VIPs in the peer's table", len(want)), func() bool {
		return slices.Equal(tablePrefixes(t, peer), want)
	})
	st := a.Status()
	if !st.Synced {
		t.Fatalf("the peer has the routes, but the adapter has not synced: %+v", st)
	}
	var last time.Time
	for _, p := range want {
		at := firstAnnounced(peer, p)
		if at.IsZero() {
			t.Fatalf("%v is in the peer's table, but its watch saw no announcement of it", p)
		}
		if at.After(last) {
			last = at
		}
	}
	for _, e := range peer.Events() {
		switch {
		case e.At.Before(st.SyncedAt):
			t.Errorf("the peer heard %+v before both caches had synced (%v): the gate leaked", e, st.SyncedAt)
		case e.Withdraw:
			t.Errorf("the peer saw a withdrawal at startup: %+v", e)
		}
	}
	for _, r := range peerTable(t, peer) {
		if r.NextHop != peer.LocalAddress() || r.Stale {
			t.Errorf("route %+v: want next hop %v (next hop self), not stale", r, peer.LocalAddress())
		}
	}
	t.Logf("%d Services whose %d slices came first, %d VIPs: both caches synced %v after start; the last VIP reached the peer's table %v after the second cache sync",
		n+2, n+3, len(want), st.SyncedAt.Sub(began).Round(time.Millisecond), last.Sub(st.SyncedAt).Round(time.Microsecond))

	// barrier waits until a new VIP, whose slice and Service are created
	// now, is in the peer's table. The adapter steps the Service events
	// in order, and the speaker sends on one session in order, so
	// whatever an earlier deletion made the peer hear has arrived by
	// then: no sleep stands in for "nothing more comes".
	barriers := 0
	barrier := func() {
		t.Helper()
		barriers++
		name, vip := fmt.Sprintf("barrier-%d", barriers), netip.AddrFrom4([4]byte{203, 0, 113, byte(barriers)})
		c.slice(name, thisNode, true)
		c.service(name, vip)
		kubetest.WaitFor(t, 10*time.Second, name+"'s VIP in the peer's table", func() bool {
			return slices.Contains(tablePrefixes(t, peer), hostRoute(vip))
		})
	}

	// A Service deleted: its VIP is withdrawn, once, and nothing else.
	gone := vipOf(0)
	c.deleteService("web-0")
	kubetest.WaitFor(t, 10*time.Second, "web-0's VIP withdrawn", func() bool {
		return !slices.Contains(tablePrefixes(t, peer), hostRoute(gone))
	})
	barrier()
	if ann, wd := peer.Count(hostRoute(gone)); ann != 1 || wd != 1 {
		t.Errorf("web-0's VIP %v: the peer saw %d announcements and %d withdrawals, want 1 and 1", gone, ann, wd)
	}

	// A shared VIP: deleting one of its two Services leaves it announced.
	before := a.Status().Events
	c.deleteService("shared-a")
	kubetest.WaitFor(t, 10*time.Second, "the adapter to step shared-a's deletion", func() bool { return a.Status().Events > before })
	barrier()
	if !slices.Contains(tablePrefixes(t, peer), hostRoute(shared)) {
		t.Errorf("the shared VIP %v left the peer's table while shared-b still uses it", shared)
	}
	if ann, wd := peer.Count(hostRoute(shared)); ann != 1 || wd != 0 {
		t.Errorf("the shared VIP %v after shared-a's deletion: %d announcements and %d withdrawals, want 1 and 0", shared, ann, wd)
	}
	c.deleteService("shared-b")
	kubetest.WaitFor(t, 10*time.Second, "the shared VIP withdrawn once its last Service is gone", func() bool {
		return !slices.Contains(tablePrefixes(t, peer), hostRoute(shared))
	})
	barrier()
	if ann, wd := peer.Count(hostRoute(shared)); ann != 1 || wd != 1 {
		t.Errorf("the shared VIP %v after both deletions: %d announcements and %d withdrawals, want 1 and 1", shared, ann, wd)
	}

	// Live, in the incident's order: a slice, then its Service.
	late := netip.MustParseAddr("198.51.100.150")
	c.slice("late", thisNode, true)
	barrier() // the slice alone announces nothing: the barrier's VIP arrives, late's does not
	if slices.Contains(tablePrefixes(t, peer), hostRoute(late)) {
		t.Fatalf("late's VIP %v announced before its Service exists", late)
	}
	created := time.Now()
	c.service("late", late)
	kubetest.WaitFor(t, 10*time.Second, "late's VIP in the peer's table", func() bool {
		return slices.Contains(tablePrefixes(t, peer), hostRoute(late))
	})
	t.Logf("a Service created after its slice, while running: in the peer's table %v after its creation",
		firstAnnounced(peer, hostRoute(late)).Sub(created).Round(time.Microsecond))

	// Nothing was withdrawn but web-0's and the shared VIP.
	for _, e := range peer.Events() {
		if e.Withdraw && e.Prefix != hostRoute(gone) && e.Prefix != hostRoute(shared) {
			t.Errorf("unexpected withdrawal %+v", e)
		}
	}
	stop()
	if st := a.Status(); st.Rejected != 0 || st.Skipped != 0 || st.LastError != nil {
		t.Errorf("adapter status %+v", st)
	}
	t.Logf("announcer calls: %v", rec.all())
}
