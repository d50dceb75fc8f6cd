package discoverykube_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/discovery/vip/viptest"
	"github.com/meshstate/meshstate/kube/discoverykube"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/lookup"
	"github.com/meshstate/meshstate/retry"
)

// fastRetry keeps the tests' retries within a second: 100 ms doubling.
var fastRetry = retry.Schedule{Initial: 100 * time.Millisecond, Max: time.Second, Multiplier: 2, Jitter: 0.2}

// fault is one injected failure: the next request named key either
// reaches the server and loses its answer (landed), or never leaves.
// Either way the client sees a connection reset.
type fault struct {
	key    string
	landed bool
}

// faultRT injects faults, in order, and records the bodies of the
// ServiceImport writes that reach the server.
type faultRT struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	faults []fault
	writes []string
}

// WrappedRoundTripper lets client-go reach the transport underneath.
func (f *faultRT) WrappedRoundTripper() http.RoundTripper { return f.rt }

func (f *faultRT) RoundTrip(req *http.Request) (*http.Response, error) {
	key := requestKey(req)
	f.mu.Lock()
	i := slices.IndexFunc(f.faults, func(x fault) bool { return x.key == key })
	var ft *fault
	if i >= 0 {
		x := f.faults[i]
		ft = &x
		f.faults = slices.Delete(f.faults, i, i+1)
	}
	if (ft == nil || ft.landed) && strings.HasSuffix(key, " serviceimports") && req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		f.writes = append(f.writes, string(body))
	}
	f.mu.Unlock()
	if ft == nil {
		return f.rt.RoundTrip(req)
	}
	if ft.landed {
		if resp, err := f.rt.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	return nil, syscall.ECONNRESET
}

func (f *faultRT) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.faults)
}

func (f *faultRT) importWrites() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}

// newFaultyClients is newClients with f between the clients and the
// server.
func newFaultyClients(t *testing.T, cfg *rest.Config, f *faultRT) *clients {
	t.Helper()
	return newWrappedClients(t, cfg, func(rt http.RoundTripper) http.RoundTripper { f.rt = rt; return f })
}

// A write whose answer is lost is Unknown, and its retry, when due, writes
// what the machine wants then: the create of web's import reaches the
// server but its answer is lost; then the Service's port changes, and the
// update carrying it never leaves. The retry writes the new port, no write
// after the change carries the old one, and the world converges with no
// retry left.
func TestExportRetryWritesCurrentDecision(t *testing.T) {
	env := kubetest.Shared(t)
	cs, mcsClient := admin(t, env)
	ns := env.Namespace(t)
	user := userWithRole(t, env, "export-agent-faults", discoveryRole(t))
	exported(t, cs, mcsClient, ns, "web")
	f := &faultRT{faults: []fault{{"POST serviceimports", true}, {"PUT serviceimports", false}}}
	c := newFaultyClients(t, user, f)
	ctx := context.Background()

	defer noLeaks(t)()
	defer c.close()
	var trace bytes.Buffer
	a, err := discoverykube.NewExportAdapter(discoverykube.ExportConfig{Client: c.kube, MCS: c.mcs, Namespace: ns,
		Machine: mcs.Config{ClusterID: clusterID, Retry: fastRetry}, Trace: &trace})
	if err != nil {
		t.Fatal(err)
	}
	r := start(a.Run)
	waitFor(t, 20*time.Second, "the create whose answer was lost", func() bool {
		var we *discoverykube.WriteError
		return errors.As(a.Status().LastError, &we) && we.Outcome == lookup.OutcomeUnknown && we.Op == "create"
	})
	waitFor(t, 20*time.Second, "the import, and its create's retry settled", func() bool {
		return len(imports(t, mcsClient, ns)) == 1 && a.Status().Retries == 0
	})
	svc, err := cs.CoreV1().Services(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc.Spec.Ports[0].Port = 8080
	if _, err := cs.CoreV1().Services(ns).Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	changedAt := len(f.importWrites())
	waitFor(t, 20*time.Second, "the import to carry port 8080", func() bool {
		si, err := mcsClient.MulticlusterV1beta1().ServiceImports(ns).Get(ctx, "web."+clusterID, metav1.GetOptions{})
		return err == nil && len(si.Spec.Ports) == 1 && si.Spec.Ports[0].Port == 8080
	})
	waitFor(t, 20*time.Second, "no retry left", func() bool { return a.Status().Retries == 0 && f.pending() == 0 })
	r.stop(t)

	for _, w := range f.importWrites()[changedAt:] {
		if strings.Contains(w, `"port":80,`) || strings.Contains(w, `"port":80}`) {
			t.Errorf("a write after the change carries the old port: %s", w)
		}
	}
	// Replayed, each retry that wrote anything wrote the machine's
	// decision of that moment, and one of them wrote the new port.
	replayExport(t, trace.Bytes())
	m, err := mcs.New(mcs.Config{ClusterID: clusterID, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	var unknown, retriedNew int
	for _, ev := range traced(t, trace.Bytes(), mcs.UnmarshalEvent) {
		effects, err := m.Step(ev)
		if err != nil {
			t.Fatalf("replay %T: %v", ev, err)
		}
		if o, ok := ev.(mcs.Applied); ok && o.Outcome == lookup.OutcomeUnknown {
			unknown++
		}
		if _, ok := ev.(mcs.RetryDue); !ok {
			continue
		}
		for _, e := range effects {
			if e.Kind != mcs.ImportUpsert {
				continue
			}
			if want := m.DesiredImports(); len(want) != 1 || !want[0].Equal(e.Import) {
				t.Errorf("a retry wrote %v, the machine wanted %v", e.Import, want)
			}
			if e.Import.Ports[0].Port == 8080 {
				retriedNew++
			}
		}
	}
	if unknown != 2 || retriedNew == 0 {
		t.Errorf("%d Unknown outcomes (want 2: the lost answer and the unsent update), %d retries writing port 8080 (want some)", unknown, retriedNew)
	}
}

// The retry of a failed announcement asks the machine, and announces what
// it wants when the retry is due, not what the failed call carried: the
// Announcer fails every Advertise of 203.0.113.7 (its answer lost) until a
// second Service, api, comes to share the VIP. That changes no decision
// (the VIP stays advertised), so nothing supersedes the retry; when it is
// due it announces the VIP for both Services. Replayed through the kit's
// checker, every retry yields the current decision or nothing.
func TestVIPRetryWritesCurrentDecision(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := admin(t, env)
	ns := env.Namespace(t)
	user := userWithRole(t, env, "vip-agent-faults", discoveryRole(t))
	c := newClients(t, user)

	defer noLeaks(t)()
	defer c.close()
	addr := netip.MustParseAddr("203.0.113.7")
	var allow atomic.Bool
	rec := &recorder{fail: func(cl call) error {
		if cl.Op == "announce" && !allow.Load() {
			return context.DeadlineExceeded
		}
		return nil
	}}
	trace := &syncBuffer{}
	cfg := vipConfig()
	cfg.Retry = fastRetry
	a, err := discoverykube.NewVIPAdapter(discoverykube.VIPConfig{Client: c.kube, Namespace: ns, Machine: cfg, Announcer: rec, Trace: trace})
	if err != nil {
		t.Fatal(err)
	}
	rec.synced = func() bool { return a.Status().Synced }
	createSlice(t, cs, endpointSlice(ns, "web-abc12", "web", node, true))
	createService(t, cs, lbService(ns, "web", addr.String(), false))
	r := start(a.Run)
	waitFor(t, 20*time.Second, "the failed announcement", func() bool {
		var we *discoverykube.WriteError
		return errors.As(a.Status().LastError, &we) && we.Outcome == lookup.OutcomeUnknown && we.Op == "Advertise"
	})
	createSlice(t, cs, endpointSlice(ns, "api-abc12", "api", node, true))
	createService(t, cs, lbService(ns, "api", addr.String(), false))
	waitFor(t, 20*time.Second, "the machine to see api", func() bool {
		return bytes.Contains(trace.Bytes(), []byte(`"type":"ServiceUpsert","service":{"namespace":"`+ns+`","name":"api"`)) &&
			bytes.Contains(trace.Bytes(), []byte(`"name":"api-abc12"`))
	})
	allow.Store(true)
	waitFor(t, 20*time.Second, "the VIP announced, no retry left", func() bool {
		return len(rec.announced()) == 1 && a.Status().Retries == 0
	})
	r.stop(t)

	if got, want := rec.calls()[0].Services, []string{ns + "/api", ns + "/web"}; !slices.Equal(got, want) {
		t.Errorf("the retry announced for %v, want %v", got, want)
	}
	m, err := vip.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	checker := viptest.NewChecker(cfg)
	var dues int
	for _, ev := range traced(t, trace.Bytes(), vip.UnmarshalEvent) {
		effects, err := m.Step(ev)
		if err := checker.Observe(ev, effects, err); err != nil {
			t.Fatal(err)
		}
		if _, ok := ev.(vip.RetryDue); ok {
			dues++
		}
	}
	if dues == 0 {
		t.Error("no retry fell due")
	}
	t.Logf("%d retries fell due; announced %v", dues, rec.calls())
}

// syncBuffer is a bytes.Buffer the adapter's loop writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// traced decodes a JSON-lines trace.
func traced[E any](t *testing.T, trace []byte, decode func([]byte) (E, error)) []E {
	t.Helper()
	var out []E
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		ev, err := decode(sc.Bytes())
		if err != nil {
			t.Fatalf("trace line %d: %v", len(out)+1, err)
		}
		out = append(out, ev)
	}
	return out
}
