package ipamkube_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// counter counts the requests that pass through it, by method and path.
type counter struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []string // "METHOD path"
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, req.Method+" "+req.URL.Path)
	c.mu.Unlock()
	return c.next.RoundTrip(req)
}

// WrappedRoundTripper lets client-go reach the transport below, to close
// its idle connections.
func (c *counter) WrappedRoundTripper() http.RoundTripper { return c.next }

// matching returns the requests counted so far that satisfy keep.
func (c *counter) matching(keep func(method, path string) bool) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.reqs {
		method, path, _ := strings.Cut(r, " ")
		if keep(method, path) {
			out = append(out, r)
		}
	}
	return out
}

func writes(method, _ string) bool { return method != http.MethodGet }

// faults fails a share of the requests that pass through it, the way a
// struggling control plane and network do: 500, 503 and 429 responses,
// timeouts, connection resets before the request is sent and after it
// was served (the caller cannot tell whether a write happened), and 409
// conflicts on status writes. A deterministic source draws the faults;
// which request gets which still depends on the order requests come in.
type faults struct {
	next     http.RoundTripper
	on       atomic.Bool
	rate     float64                      // share of requests failed
	conflict float64                      // share of status writes refused with 409
	outage   func(req *http.Request) bool // requests that fail whenever faults are on
	mu       sync.Mutex
	rng      *rand.Rand
	injected map[string]int
}

func newFaults(rate, conflict float64, outage func(*http.Request) bool) *faults {
	return &faults{rate: rate, conflict: conflict, outage: outage, rng: rand.New(rand.NewPCG(7, 11)), injected: map[string]int{}}
}

func (f *faults) wrap(next http.RoundTripper) http.RoundTripper {
	f.next = next
	return f
}

// WrappedRoundTripper lets client-go reach the transport below.
func (f *faults) WrappedRoundTripper() http.RoundTripper { return f.next }

// draw returns the chance drawn for a 409, the one for another fault,
// and which other fault.
func (f *faults) draw() (float64, float64, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.Float64(), f.rng.Float64(), f.rng.IntN(6)
}

func (f *faults) count(kind string) {
	f.mu.Lock()
	f.injected[kind]++
	f.mu.Unlock()
}

func (f *faults) counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.injected {
		out[k] = v
	}
	return out
}

func (f *faults) RoundTrip(req *http.Request) (*http.Response, error) {
	if !f.on.Load() {
		return f.next.RoundTrip(req)
	}
	if f.outage != nil && f.outage(req) {
		f.count("outage")
		return status(req, http.StatusServiceUnavailable, metav1.StatusReasonServiceUnavailable), nil
	}
	pConflict, pFault, kind := f.draw()
	if req.Method == http.MethodPut && strings.HasSuffix(req.URL.Path, "/status") && pConflict < f.conflict {
		f.count("409")
		return status(req, http.StatusConflict, metav1.StatusReasonConflict), nil
	}
	if pFault >= f.rate {
		return f.next.RoundTrip(req)
	}
	switch kind {
	case 0:
		f.count("500")
		return status(req, http.StatusInternalServerError, metav1.StatusReasonInternalError), nil
	case 1:
		f.count("503")
		return status(req, http.StatusServiceUnavailable, metav1.StatusReasonServiceUnavailable), nil
	case 2:
		f.count("429")
		return status(req, http.StatusTooManyRequests, metav1.StatusReasonTooManyRequests), nil
	case 3:
		f.count("timeout")
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: timeoutError{}}
	case 4:
		f.count("reset")
		return nil, reset()
	default:
		// Served, but the answer is lost: the caller sees a reset.
		f.count("reset after send")
		if resp, err := f.next.RoundTrip(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
		return nil, reset()
	}
}

func reset() error {
	return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// status is an API server's error response.
func status(req *http.Request, code int, reason metav1.StatusReason) *http.Response {
	body, _ := json.Marshal(&metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusFailure, Code: int32(code), Reason: reason, Message: "injected by the test",
	})
	return &http.Response{
		StatusCode: code, Status: http.StatusText(code), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req,
	}
}
