package endpointkube_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/endpointkube"
)

// recorder is a stale-aware handler that passes every notification on.
type recorder chan endpoint.Effect

func (r recorder) add(k endpoint.Kind) func(*endpoint.Endpoint) error {
	return func(ep *endpoint.Endpoint) error { r <- endpoint.Effect{Kind: k, Endpoint: *ep}; return nil }
}

func (r recorder) handler() endpoint.Handler {
	return endpoint.HandlerFuncs{
		RemoteCreated: r.add(endpoint.RemoteEndpointCreated), RemoteUpdated: r.add(endpoint.RemoteEndpointUpdated),
		RemoteRemoved: r.add(endpoint.RemoteEndpointRemoved), StaleRemoteGone: r.add(endpoint.StaleRemoteEndpointRemoved),
		LocalCreated: r.add(endpoint.LocalEndpointCreated), LocalUpdated: r.add(endpoint.LocalEndpointUpdated),
		LocalRemoved: r.add(endpoint.LocalEndpointRemoved), StaleLocalGone: r.add(endpoint.StaleLocalEndpointRemoved),
	}
}

// expect reads the next notification and checks its kind and name.
func (r recorder) expect(t *testing.T, k endpoint.Kind, name string) {
	t.Helper()
	select {
	case n := <-r:
		if n.Kind != k || n.Endpoint.Name != name {
			t.Fatalf("got %v %s, want %v %s", n.Kind, n.Endpoint.Name, k, name)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no %v %s within 10s", k, name)
	}
}

// quiet checks that nothing more arrives for a while.
func (r recorder) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case n := <-r:
		t.Fatalf("unexpected %v %s", n.Kind, n.Endpoint.Name)
	case <-time.After(d):
	}
}

// running is a Source started for a test, with its trace.
type running struct {
	src    *endpointkube.Source
	cancel context.CancelFunc
	done   chan error
	trace  *bytes.Buffer
	once   sync.Once
}

func start(t *testing.T, cfg *rest.Config, ns string, handlers ...endpoint.Handler) *running {
	t.Helper()
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &running{done: make(chan error, 1), trace: new(bytes.Buffer)}
	r.src, err = endpointkube.New(endpointkube.Config{Client: client, Namespace: ns, Handlers: handlers,
		Machine: endpoint.Config{LocalClusterID: "west"}, Trace: r.trace})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- r.src.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the source and checks that Run returned cleanly; the trace
// is complete afterwards.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("Run did not return")
		}
	})
}

// create stores a GatewayEndpoint through the administrator's client.
func create(t *testing.T, client dynamic.Interface, ns, name string, spec v1alpha1.GatewayEndpointSpec) {
	t.Helper()
	u, err := v1alpha1.ToUnstructured(&v1alpha1.GatewayEndpoint{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource(v1alpha1.GatewayEndpointResource).Namespace(ns).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
}
