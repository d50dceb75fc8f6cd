package kubetest

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"
)

// Admin returns the administrator's clients, warmed up so that their
// connection exists before a test takes its goroutine baseline.
func (e *Env) Admin(t testing.TB) (kubernetes.Interface, mcsclient.Interface) {
	t.Helper()
	cs := kubernetes.NewForConfigOrDie(e.Config)
	mcsClient := mcsclient.NewForConfigOrDie(e.Config)
	if _, err := cs.CoreV1().Namespaces().Get(context.Background(), "default", metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	return cs, mcsClient
}

// Clients are an adapter's clients, sharing one HTTP client whose
// requests are counted.
type Clients struct {
	// Kube is the Kubernetes clientset.
	Kube kubernetes.Interface
	// MCS is the Multi-Cluster Services clientset.
	MCS mcsclient.Interface
	// Count counts the requests of both.
	Count *Counter
	hc    *http.Client
}

// NewClients returns clients for cfg.
func NewClients(t testing.TB, cfg *rest.Config) *Clients {
	t.Helper()
	return NewWrappedClients(t, cfg, nil)
}

// NewWrappedClients is NewClients with wrap, if not nil, between the
// request counter and the transport.
func NewWrappedClients(t testing.TB, cfg *rest.Config, wrap func(http.RoundTripper) http.RoundTripper) *Clients {
	t.Helper()
	c := &Clients{Count: &Counter{n: map[string]int{}}}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		if wrap != nil {
			rt = wrap(rt)
		}
		return c.Count.wrap(rt)
	})
	var err error
	if c.hc, err = rest.HTTPClientFor(cfg); err != nil {
		t.Fatal(err)
	}
	if c.Kube, err = kubernetes.NewForConfigAndClient(cfg, c.hc); err != nil {
		t.Fatal(err)
	}
	if c.MCS, err = mcsclient.NewForConfigAndClient(cfg, c.hc); err != nil {
		t.Fatal(err)
	}
	return c
}

// Close drops the idle connections, whose goroutines would otherwise
// outlive the test.
func (c *Clients) Close() { utilnet.CloseIdleConnectionsFor(c.hc.Transport) }

// Counter counts requests by RequestKey: "DELETE serviceimports",
// "LIST services", "WATCH services", "PUT serviceexports/status".
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

type countingRT struct {
	c  *Counter
	rt http.RoundTripper
}

func (c *Counter) wrap(rt http.RoundTripper) http.RoundTripper { return countingRT{c, rt} }

// WrappedRoundTripper lets client-go reach the transport underneath, to
// close its idle connections.
func (r countingRT) WrappedRoundTripper() http.RoundTripper { return r.rt }

func (r countingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	r.c.mu.Lock()
	r.c.n[RequestKey(req)]++
	r.c.mu.Unlock()
	return r.rt.RoundTrip(req)
}

// Get returns the count of key.
func (c *Counter) Get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// Snapshot returns all counts.
func (c *Counter) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// RequestKey names a request: its verb (LIST and WATCH told apart from
// GET) and its resource and subresource.
func RequestKey(req *http.Request) string {
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	switch {
	case len(segs) >= 2 && segs[0] == "api":
		segs = segs[2:]
	case len(segs) >= 3 && segs[0] == "apis":
		segs = segs[3:]
	default:
		return req.Method + " " + req.URL.Path
	}
	if len(segs) >= 3 && segs[0] == "namespaces" {
		segs = segs[2:]
	}
	verb := req.Method
	if verb == http.MethodGet && len(segs) == 1 {
		verb = "LIST"
		if req.URL.Query().Get("watch") == "true" {
			verb = "WATCH"
		}
	}
	res := strings.Join(segs[:min(len(segs), 1)], "")
	if len(segs) >= 3 {
		res += "/" + segs[2]
	}
	return verb + " " + res
}
