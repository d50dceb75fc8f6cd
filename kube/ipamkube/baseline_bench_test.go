package ipamkube_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// Owners allocated per second by ipamkube, side by side in one run with
// a bare client-go program doing the same API work against the same API
// server, whose CPU bounds both. Each op is one batch of 500 GlobalIPs
// for each side, created by the administrator 32 requests at once, in
// namespaces of their own; a side's batch ends when every one's status
// records an address. The two sides alternate batch by batch, so that
// neither gains from running first or last on a machine whose load, and
// an API server whose store, change during the run; one untimed batch
// warms each up.
//
//   - baseline: as each create returns, one of ipamkube.DefaultWorkers
//     goroutines (the adapter's default number of workers) writes the
//     object's status with UpdateStatus, as the adapter's RBAC-bound
//     user: an address from a counter and an Allocated condition, what
//     the adapter's first write carries. No informer, no machine.
//   - adapter: an ipamkube adapter as the tests configure it (default
//     workers), as the same user; an owner counts once the API server
//     has answered a status write of it that carries addresses.
//
// It reports each side's owners/s, and the adapter's time as a multiple
// of the baseline's (x-baseline); the goal, at least 0.9 of the
// baseline's speed, is x-baseline at most 1.11. A batch takes about
// a second: use -benchtime=4x or more for a steady figure.
func BenchmarkAllocateVsClientGo(b *testing.B) {
	const batch = 500
	hb, ha := newHarness(b), newHarness(b)
	bare := newBareAllocator(b, hb)
	written := &statusWrites{}
	r := ha.start(ha.config(written.wrap))
	r.settled(b, time.Minute, 0)
	bare.allocate(b, owners("warm", batch, 0))
	ha.create(owners("warm", batch, 0))
	written.wait(b, batch)
	var tookBare, tookAdapter time.Duration
	round := 1
	for b.Loop() {
		name := fmt.Sprintf("r%d", round)
		round++
		start := time.Now()
		bare.allocate(b, owners(name, batch, 0))
		mid := time.Now()
		ha.create(owners(name, batch, 0))
		written.wait(b, round*batch)
		tookBare, tookAdapter = tookBare+mid.Sub(start), tookAdapter+time.Since(mid)
	}
	n := float64(batch * b.N)
	baseline, adapter := n/tookBare.Seconds(), n/tookAdapter.Seconds()
	b.ReportMetric(baseline, "baseline-owners/s")
	b.ReportMetric(adapter, "owners/s")
	b.ReportMetric(baseline/adapter, "x-baseline")
	b.StopTimer()
	r.stopCleanly(b)
}

// bareAllocator is the baseline: what a controller without informer or
// machine does to give new GlobalIPs addresses.
type bareAllocator struct {
	h    *harness
	user dynamic.ResourceInterface
	mu   sync.Mutex
	next netip.Addr
}

func newBareAllocator(b *testing.B, h *harness) *bareAllocator {
	return &bareAllocator{h: h, user: h.dynFor(b, h.user), next: pool.Addr()}
}

// allocate creates the owners as h.create does and writes each one's
// status as soon as its create returns.
func (a *bareAllocator) allocate(b *testing.B, specs []spec) {
	created := make(chan *unstructured.Unstructured, len(specs))
	var wg sync.WaitGroup
	var failed atomic.Value
	for range ipamkube.DefaultWorkers {
		wg.Go(func() {
			for u := range created {
				if err := a.writeStatus(u); err != nil {
					failed.CompareAndSwap(nil, err)
				}
			}
		})
	}
	err := parallel(len(specs), 32, func(i int) error {
		u, err := v1alpha1.ToUnstructured(&v1alpha1.GlobalIP{
			ObjectMeta: metav1.ObjectMeta{Name: specs[i].name, Namespace: a.h.ns},
			Spec:       v1alpha1.GlobalIPSpec{InternalService: specs[i].service},
		})
		if err == nil {
			u, err = a.h.gips.Create(context.Background(), u, metav1.CreateOptions{})
		}
		if err == nil {
			created <- u
		}
		return err
	})
	close(created)
	wg.Wait()
	if err != nil {
		b.Fatal(err)
	}
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
}

// writeStatus gives u the next address, a trivial counter's (the loop
// above runs one batch at a time, so only the writers share it).
func (a *bareAllocator) writeStatus(u *unstructured.Unstructured) error {
	addr := a.take()
	st := v1alpha1.GlobalIPStatus{
		Addresses: []string{addr.String()},
		Conditions: []metav1.Condition{{Type: ipam.ConditionAllocated, Status: metav1.ConditionTrue,
			Reason: ipam.ReasonAllocated, LastTransitionTime: metav1.NewTime(time.Now().UTC().Truncate(time.Second))}},
	}
	g := new(v1alpha1.GlobalIP)
	if err := v1alpha1.FromUnstructured(u, g); err != nil {
		return err
	}
	g.Status = st
	out, err := v1alpha1.ToUnstructured(g)
	if err != nil {
		return err
	}
	_, err = a.user.UpdateStatus(context.Background(), out, metav1.UpdateOptions{})
	return err
}

func (a *bareAllocator) take() netip.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.next = a.next.Next()
	return a.next
}

// statusWrites counts the owners whose status the API server has accepted
// a write of carrying addresses, by watching the adapter's requests: it
// needs nothing of the adapter's internals.
type statusWrites struct {
	next http.RoundTripper
	seen sync.Map
	n    atomic.Int64
	mu   sync.Mutex
	want int64
	hit  chan struct{} // closed when n reaches want
}

func (s *statusWrites) wrap(next http.RoundTripper) http.RoundTripper { s.next = next; return s }

// WrappedRoundTripper lets client-go reach the transport below.
func (s *statusWrites) WrappedRoundTripper() http.RoundTripper { return s.next }

func (s *statusWrites) RoundTrip(req *http.Request) (*http.Response, error) {
	name, ok := statusWriteName(req)
	resp, err := s.next.RoundTrip(req)
	if ok && err == nil && resp.StatusCode/100 == 2 {
		if _, dup := s.seen.LoadOrStore(name, true); !dup {
			n := s.n.Add(1)
			s.mu.Lock()
			if s.hit != nil && n >= s.want {
				close(s.hit)
				s.hit = nil
			}
			s.mu.Unlock()
		}
	}
	return resp, err
}

// statusWriteName returns the GlobalIP whose status req writes, if it
// writes one with addresses.
func statusWriteName(req *http.Request) (string, bool) {
	if req.Method == http.MethodGet || req.GetBody == nil || !strings.HasSuffix(req.URL.Path, "/status") {
		return "", false
	}
	parts := strings.Split(req.URL.Path, "/")
	if len(parts) < 3 || parts[len(parts)-3] != "globalips" {
		return "", false
	}
	body, err := req.GetBody()
	if err != nil {
		return "", false
	}
	defer body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(body); err != nil || !bytes.Contains(buf.Bytes(), []byte(`"addresses"`)) {
		return "", false
	}
	return parts[len(parts)-2], true
}

// wait returns once n owners' statuses have been written.
func (s *statusWrites) wait(b *testing.B, n int) {
	b.Helper()
	s.mu.Lock()
	if s.n.Load() >= int64(n) {
		s.mu.Unlock()
		return
	}
	hit := make(chan struct{})
	s.want, s.hit = int64(n), hit
	s.mu.Unlock()
	select {
	case <-hit:
	case <-time.After(time.Minute):
		b.Fatalf("%d statuses written after a minute, want %d", s.n.Load(), n)
	}
}
