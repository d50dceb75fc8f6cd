package ipamkube_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
)

// proxy stands between an adapter and the real API server and fails the
// requests a test programs it to fail, the ways a struggling control
// plane and network do. Install it with h.config(p.wrap); one proxy may
// wrap several adapters' transports (a restart keeps its program).
//
// A request meets, in order:
//
//  1. the hold: while one is set, matching requests wait until release
//     (or until the caller gives up), and matching watch streams open
//     when it was set are cut. Holding a resource's lists and watches
//     keeps an informer's cache stale for as long as the test wants;
//  2. the rules, in the order added: the first matching rule with hits
//     left decides (targeted mode: "the next PUT of globalips/o/status:
//     act, then reset");
//  3. random mode: with a seeded chance, a fault drawn from those that
//     make sense for the request (a watch is cut or answered 410, a write
//     may be served and its answer lost, ...).
//
// Everything injected is counted and logged with its time, so that a
// failing test can show the sequence it saw.
type proxy struct {
	start time.Time
	mu    sync.Mutex
	rules []*rule
	// random mode
	rate   float64
	random match // nil: off
	rng    *rand.Rand
	// hold
	holding match
	held    chan struct{} // closed on release
	streams map[*stream]struct{}
	// hangFor is how long a hang lasts unless the caller gives up first:
	// the client's timeout, as it were.
	hangFor time.Duration
	counts  map[string]int
	log     []string
}

func newProxy(seed uint64) *proxy {
	return &proxy{start: time.Now(), rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		streams: map[*stream]struct{}{}, hangFor: 500 * time.Millisecond, counts: map[string]int{}}
}

// pxFault is what the proxy does to one request.
type pxFault uint8

const (
	pass        pxFault = iota // forwarded untouched
	fail500                    // 500 InternalError; never sent
	fail503                    // 503 ServiceUnavailable; never sent
	fail429                    // 429 TooManyRequests (no Retry-After); never sent
	fail404                    // 404 NotFound; never sent: a lookup that lies
	hang                       // never sent; held until the caller gives up or hangFor, then an i/o timeout
	hangAfter                  // sent and served; the answer is held, then an i/o timeout
	resetBefore                // never sent; a connection reset
	resetAfter                 // sent and served; the answer is replaced by a connection reset
	cutWatch                   // a watch: forwarded, and the stream ended a little later
	gone                       // a watch: 410 Gone (Expired), so client-go relists
)

var pxFaultNames = [...]string{pass: "pass", fail500: "500", fail503: "503", fail429: "429", fail404: "404",
	hang: "hang", hangAfter: "hang after send", resetBefore: "reset", resetAfter: "reset after send",
	cutWatch: "watch cut", gone: "410 Gone"}

func (f pxFault) String() string { return pxFaultNames[f] }

// call is a request as the proxy's rules see it.
type call struct {
	Method, Path string
	// Watch: a GET with watch=true; List: a GET of a collection that is
	// not a watch.
	Watch, List bool
	// Namespace, Resource, Name and Sub(resource) are parsed from a
	// namespaced path: .../namespaces/NS/RESOURCE[/NAME[/SUB]].
	Namespace, Resource, Name, Sub string
	// Body is the request's body, for writes.
	Body []byte
}

func (c *call) write() bool { return c.Method != http.MethodGet }

func (c *call) String() string {
	s := c.Method + " " + c.Resource
	if c.Name != "" {
		s += "/" + c.Name
	}
	if c.Sub != "" {
		s += "/" + c.Sub
	}
	if c.Watch {
		s += "?watch"
	}
	return s
}

func describe(req *http.Request) (*call, *http.Request, error) {
	c := &call{Method: req.Method, Path: req.URL.Path}
	q := req.URL.Query()
	c.Watch = req.Method == http.MethodGet && (q.Get("watch") == "true" || q.Get("watch") == "1")
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	for i, p := range parts {
		if p == "namespaces" && i+2 < len(parts) {
			c.Namespace, c.Resource = parts[i+1], parts[i+2]
			if i+3 < len(parts) {
				c.Name = parts[i+3]
			}
			if i+4 < len(parts) {
				c.Sub = parts[i+4]
			}
			break
		}
	}
	c.List = req.Method == http.MethodGet && !c.Watch && c.Name == "" && c.Resource != ""
	if req.Body == nil || req.Body == http.NoBody {
		return c, req, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, nil, err
		}
		c.Body, err = io.ReadAll(rc)
		_ = rc.Close()
		return c, req, err
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, nil, err
	}
	req = req.Clone(req.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	c.Body = body
	return c, req, nil
}

// match selects requests.
type match func(*call) bool

func anyCall(*call) bool { return true }

// statusWriteOf: a write of GlobalIP name's status.
func statusWriteOf(name string) match {
	return func(c *call) bool {
		return c.write() && c.Resource == "globalips" && c.Name == name && c.Sub == "status"
	}
}

// serviceGetOf: a GET of the internal Service of GlobalIP name.
func serviceGetOf(name string) match {
	svc := v1alpha1.InternalServiceName(name)
	return func(c *call) bool {
		return c.Method == http.MethodGet && !c.Watch && c.Resource == "services" && c.Name == svc
	}
}

// collectionReads: the lists and watches of resource, which feed its
// informer (object GETs excluded).
func collectionReads(resource string) match {
	return func(c *call) bool { return (c.Watch || c.List) && c.Resource == resource }
}

// watchesOf: the watches of resource.
func watchesOf(resource string) match {
	return func(c *call) bool { return c.Watch && c.Resource == resource }
}

// rule is one targeted fault: matching requests get its faults in turn,
// as long as it has hits left.
type rule struct {
	match  match
	faults []pxFault
	left   int // -1: no limit
	hits   int
}

// inject adds a rule: the next times requests matching m get faults, in
// turn (times < 0: every one of them until removed).
func (p *proxy) inject(m match, times int, faults ...pxFault) *rule {
	r := &rule{match: m, faults: faults, left: times}
	p.mu.Lock()
	p.rules = append(p.rules, r)
	p.mu.Unlock()
	return r
}

// hitsOf returns how many requests r has failed.
func (p *proxy) hitsOf(r *rule) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return r.hits
}

// randomly fails the share rate of the requests matching m with a fault
// drawn from the seeded source; m nil turns random mode off.
func (p *proxy) randomly(rate float64, m match) {
	p.mu.Lock()
	p.rate, p.random = rate, m
	p.mu.Unlock()
}

// off stops every fault: rules, random mode and the hold.
func (p *proxy) off() {
	p.mu.Lock()
	p.rules, p.random = nil, nil
	p.mu.Unlock()
	p.release()
}

// hold makes requests matching m wait until release, and cuts the watch
// streams matching m that are open now.
func (p *proxy) hold(m match) {
	p.mu.Lock()
	p.holding, p.held = m, make(chan struct{})
	p.note("hold set")
	p.mu.Unlock()
	p.cut(m)
}

// release lets held requests through, to meet the rules like any other.
func (p *proxy) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.holding != nil {
		close(p.held)
		p.holding, p.held = nil, nil
		p.note("hold released")
	}
}

// cut ends the open watch streams matching m and returns how many.
func (p *proxy) cut(m match) int {
	p.mu.Lock()
	var cut []*stream
	for s := range p.streams {
		if m(s.call) {
			cut = append(cut, s)
		}
	}
	p.mu.Unlock()
	for _, s := range cut {
		s.cut()
	}
	return len(cut)
}

// injected returns the number of faults injected, by kind.
func (p *proxy) injected() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// total returns the number of faults injected.
func (p *proxy) total() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, v := range p.counts {
		n += v
	}
	return n
}

// events returns what the proxy did, one line each, with times since it
// was made.
func (p *proxy) events() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.log...)
}

// note logs a line; p.mu is held.
func (p *proxy) note(format string, args ...any) {
	if len(p.log) < 20000 {
		p.log = append(p.log, fmt.Sprintf("%+8.3fs proxy: ", time.Since(p.start).Seconds())+fmt.Sprintf(format, args...))
	}
}

// wrap is a rest.Config WrapTransport.
func (p *proxy) wrap(next http.RoundTripper) http.RoundTripper { return &proxied{p: p, next: next} }

type proxied struct {
	p    *proxy
	next http.RoundTripper
}

// WrappedRoundTripper lets client-go reach the transport below, to close
// its idle connections.
func (t *proxied) WrappedRoundTripper() http.RoundTripper { return t.next }

func (t *proxied) RoundTrip(req *http.Request) (*http.Response, error) {
	p := t.p
	c, req, err := describe(req)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.holding != nil && p.holding(c) {
		held := p.held
		p.note("%s held", c)
		p.mu.Unlock()
		select {
		case <-held:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
		p.mu.Lock()
	}
	f := pass
	for _, r := range p.rules {
		if r.left != 0 && r.match(c) {
			f = r.faults[r.hits%len(r.faults)]
			r.hits++
			if r.left > 0 {
				r.left--
			}
			break
		}
	}
	if f == pass && p.random != nil && p.random(c) && p.rng.Float64() < p.rate {
		kinds := randomFaults(c)
		f = kinds[p.rng.IntN(len(kinds))]
	}
	var cutAfter time.Duration
	if f == cutWatch {
		cutAfter = time.Duration(100+p.rng.IntN(900)) * time.Millisecond
	}
	if f != pass {
		p.counts[f.String()]++
		p.note("%s: %s", c, f)
	}
	p.mu.Unlock()
	return t.apply(req, c, f, cutAfter)
}

// randomFaults are the faults random mode draws from for c.
func randomFaults(c *call) []pxFault {
	switch {
	case c.Watch:
		return []pxFault{fail500, fail503, fail429, resetBefore, cutWatch, gone}
	case c.List:
		return []pxFault{fail500, fail503, fail429, resetBefore, hang}
	case c.write():
		return []pxFault{fail500, fail503, fail429, resetBefore, resetAfter, hang, hangAfter}
	case c.Resource == "services":
		return []pxFault{fail500, fail503, fail429, resetBefore, hang, fail404}
	}
	return []pxFault{fail500, fail503, fail429, resetBefore, hang}
}

func (t *proxied) apply(req *http.Request, c *call, f pxFault, cutAfter time.Duration) (*http.Response, error) {
	p := t.p
	switch f {
	case fail500:
		return status(req, http.StatusInternalServerError, metav1.StatusReasonInternalError), nil
	case fail503:
		return status(req, http.StatusServiceUnavailable, metav1.StatusReasonServiceUnavailable), nil
	case fail429:
		return status(req, http.StatusTooManyRequests, metav1.StatusReasonTooManyRequests), nil
	case fail404:
		return status(req, http.StatusNotFound, metav1.StatusReasonNotFound), nil
	case gone:
		return status(req, http.StatusGone, metav1.StatusReasonExpired), nil
	case resetBefore:
		return nil, reset()
	case hang:
		return nil, p.hang(req)
	case resetAfter, hangAfter:
		resp, err := t.next.RoundTrip(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			p.mu.Lock()
			p.note("%s: served %d, answer lost", c, resp.StatusCode)
			p.mu.Unlock()
		}
		if f == hangAfter {
			return nil, p.hang(req)
		}
		return nil, reset()
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || !c.Watch || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	s := &stream{ReadCloser: resp.Body, p: p, call: c}
	p.mu.Lock()
	p.streams[s] = struct{}{}
	p.mu.Unlock()
	if f == cutWatch {
		time.AfterFunc(cutAfter, s.cut)
	}
	resp.Body = s
	return resp, nil
}

// hang waits until the caller gives up or hangFor has passed, and
// returns what a client's timeout returns.
func (p *proxy) hang(req *http.Request) error {
	t := time.NewTimer(p.hangFor)
	defer t.Stop()
	select {
	case <-req.Context().Done():
		return req.Context().Err()
	case <-t.C:
		return &net.OpError{Op: "read", Net: "tcp", Err: timeoutError{}}
	}
}

// stream is a watch response's body, which the proxy can end.
type stream struct {
	io.ReadCloser
	p     *proxy
	call  *call
	isCut atomic.Bool
}

// Read ends the stream cleanly once it has been cut: client-go watches
// again from the last resource version it saw.
func (s *stream) Read(b []byte) (int, error) {
	n, err := s.ReadCloser.Read(b)
	if err != nil && s.isCut.Load() {
		return n, io.EOF
	}
	return n, err
}

func (s *stream) Close() error {
	s.p.mu.Lock()
	delete(s.p.streams, s)
	s.p.mu.Unlock()
	return s.ReadCloser.Close()
}

// cut ends the stream: closing an HTTP/2 response body wakes a reader
// blocked on it.
func (s *stream) cut() {
	if s.isCut.CompareAndSwap(false, true) {
		s.p.mu.Lock()
		s.p.note("%s: stream cut", s.call)
		s.p.mu.Unlock()
		_ = s.ReadCloser.Close()
	}
}
