package kubetest

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/retry"
)

// FastRetry keeps an adapter test's retries within a second: 100 ms
// doubling, for a machine's Config.Retry.
var FastRetry = retry.Schedule{Initial: 100 * time.Millisecond, Max: time.Second, Multiplier: 2, Jitter: 0.2}

// Fault is one injected failure: the next request named Key (a
// RequestKey) either reaches the server and loses its answer (Landed), or
// never leaves. Either way the client sees a connection reset.
type Fault struct {
	// Key is the RequestKey of the request to fail, "POST serviceimports".
	Key string
	// Landed makes the request reach the server before its answer is
	// lost.
	Landed bool
}

// FaultRT injects faults, in order, and records the bodies of the writes
// to one resource that reach the server.
type FaultRT struct {
	rt       http.RoundTripper
	resource string
	mu       sync.Mutex
	faults   []Fault
	writes   []string
}

// NewFaultRT returns a FaultRT that injects faults and records the writes
// to resource ("serviceimports").
func NewFaultRT(resource string, faults ...Fault) *FaultRT {
	return &FaultRT{resource: resource, faults: faults}
}

// WrappedRoundTripper lets client-go reach the transport underneath.
func (f *FaultRT) WrappedRoundTripper() http.RoundTripper { return f.rt }

// RoundTrip fails the request if a pending fault names it.
func (f *FaultRT) RoundTrip(req *http.Request) (*http.Response, error) {
	key := RequestKey(req)
	f.mu.Lock()
	i := slices.IndexFunc(f.faults, func(x Fault) bool { return x.Key == key })
	var ft *Fault
	if i >= 0 {
		x := f.faults[i]
		ft = &x
		f.faults = slices.Delete(f.faults, i, i+1)
	}
	if (ft == nil || ft.Landed) && strings.HasSuffix(key, " "+f.resource) && req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		f.writes = append(f.writes, string(body))
	}
	f.mu.Unlock()
	if ft == nil {
		return f.rt.RoundTrip(req)
	}
	if ft.Landed {
		if resp, err := f.rt.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	return nil, syscall.ECONNRESET
}

// Pending returns the number of faults not injected yet.
func (f *FaultRT) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.faults)
}

// Writes returns the bodies of the writes to the resource that reached
// the server, in order.
func (f *FaultRT) Writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}

// NewFaultyClients is NewClients with f between the clients and the
// server.
func NewFaultyClients(t testing.TB, cfg *rest.Config, f *FaultRT) *Clients {
	t.Helper()
	return NewWrappedClients(t, cfg, func(rt http.RoundTripper) http.RoundTripper { f.rt = rt; return f })
}

// SyncBuffer is a bytes.Buffer an adapter's loop writes while the test
// reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Bytes returns a copy of what was written.
func (s *SyncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// String returns what was written.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Traced decodes a JSON-lines trace (an adapter's Config.Trace) with
// decode, the machine's UnmarshalEvent.
func Traced[E any](t testing.TB, trace []byte, decode func([]byte) (E, error)) []E {
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
