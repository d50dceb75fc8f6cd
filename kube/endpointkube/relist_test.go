package endpointkube_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

// cutter stands between the adapter and the API server and forces a
// relist: cut closes every open watch and, until heal, answers each new
// watch with 410 Gone (as the server does when the watch's resource
// version has expired) and holds each list, so the informer must relist
// and the relist sees whatever the test changed meanwhile, and only the
// relist does.
type cutter struct {
	next http.RoundTripper

	mu      sync.Mutex
	armed   bool
	release chan struct{}
	open    map[*watchBody]struct{}
	gone    int // watches answered 410 while armed
	held    int // lists (and watch-lists) held while armed
}

func newCutter() *cutter { return &cutter{open: map[*watchBody]struct{}{}} }

// wrap is a rest.Config.WrapTransport.
func (c *cutter) wrap(rt http.RoundTripper) http.RoundTripper { c.next = rt; return c }

func (c *cutter) RoundTrip(req *http.Request) (*http.Response, error) {
	q := req.URL.Query()
	watching := q.Get("watch") == "true" || q.Get("watch") == "1"
	initial := q.Get("sendInitialEvents") == "true" // a watch that lists first
	c.mu.Lock()
	armed, release := c.armed, c.release
	if armed && watching && !initial {
		c.gone++
	} else if armed {
		c.held++
	}
	c.mu.Unlock()
	if armed {
		if watching && !initial {
			return expired(req), nil
		}
		select {
		case <-release:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil || !watching {
		return resp, err
	}
	b := &watchBody{ReadCloser: resp.Body, c: c}
	c.mu.Lock()
	c.open[b] = struct{}{}
	c.mu.Unlock()
	resp.Body = b
	return resp, nil
}

// expired is the API server's answer to a watch from an expired resource
// version.
func expired(req *http.Request) *http.Response {
	body := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",` +
		`"message":"too old resource version","reason":"Expired","code":410}`
	return &http.Response{StatusCode: http.StatusGone, Status: "410 Gone", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}
}

// cut ends every open watch; until heal, watches expire and lists wait.
func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed, c.release, c.gone, c.held = true, make(chan struct{}), 0, 0
	for b := range c.open {
		_ = b.ReadCloser.Close()
		delete(c.open, b)
	}
}

// heal lets the held lists through and the watches work again.
func (c *cutter) heal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed = false
	close(c.release)
}

// relisting reports whether the informer is listing again since the cut:
// either the cut watch ended with an error, or its rewatch expired.
func (c *cutter) relisting() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.held > 0
}

// watchBody is an open watch's stream, which cut can close.
type watchBody struct {
	io.ReadCloser
	c *cutter
}

func (b *watchBody) Close() error {
	b.c.mu.Lock()
	delete(b.c.open, b)
	b.c.mu.Unlock()
	return b.ReadCloser.Close()
}

// Incident 000 through a relist, against a real API server: while the
// GatewayEndpoint watch is cut (and expires, 410 Gone, so client-go must
// relist), east's gateway restarts: its new endpoint is created and the
// old one deleted. client-go hands the relist's tombstone for the old
// endpoint to the handler before the new endpoint's add; the adapter must
// still step the add first, so stale-aware handlers see
// RemoteEndpointCreated for the new endpoint and StaleRemoteEndpointRemoved
// for the old, and never RemoteEndpointRemoved. Eight restarts, each seen
// by a fresh adapter, since client-go's relist backoff doubles with every
// relist of one informer (0.8 s, 1.6 s, ...).
func TestGatewayRestartThroughRelist(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	admin := dynamic.NewForConfigOrDie(env.Config)
	defer goleak.VerifyNone(t, append(kubetest.LeakOptions(), goleak.IgnoreCurrent())...)

	create(t, admin, ns, "east-0", v1alpha1.GatewayEndpointSpec{ClusterID: "east", HealthCheckIP: "10.2.0.1", Sequence: 1})
	for i := 1; i <= 8; i++ {
		old, next := fmt.Sprintf("east-%d", i-1), fmt.Sprintf("east-%d", i)
		c := newCutter()
		cfg := rest.CopyConfig(env.Config)
		cfg.WrapTransport = c.wrap
		rec := make(recorder, 64)
		run := start(t, cfg, ns, rec.handler())
		rec.expect(t, endpoint.RemoteEndpointCreated, old)

		c.cut()
		deadline := time.Now().Add(30 * time.Second)
		for !c.relisting() {
			if time.Now().After(deadline) {
				c.heal()
				t.Fatalf("restart %d: the informer did not relist within 30s of the cut", i)
			}
			time.Sleep(10 * time.Millisecond)
		}
		create(t, admin, ns, next, v1alpha1.GatewayEndpointSpec{ClusterID: "east",
			HealthCheckIP: fmt.Sprintf("10.2.0.%d", i+1), Sequence: int64(i + 1)})
		if err := admin.Resource(v1alpha1.GatewayEndpointResource).Namespace(ns).Delete(context.Background(), old, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		c.heal()
		rec.expect(t, endpoint.RemoteEndpointCreated, next)
		rec.expect(t, endpoint.StaleRemoteEndpointRemoved, old)
		if a, ok := run.src.Active("east"); !ok || a.Name != next {
			t.Fatalf("restart %d: active endpoint of east is %q (%v), want %s", i, a.Name, ok, next)
		}
		run.stop(t)
		rec.quiet(t, 0)
	}
}
