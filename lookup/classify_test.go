package lookup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/meshstate/meshstate/lookup"
)

var (
	services = schema.GroupResource{Resource: "services"}
	gips     = schema.GroupResource{Group: "submariner.io", Resource: "globalingressips"}
)

// status builds the error client-go returns for a Status body.
func status(code int32, reason metav1.StatusReason) error {
	return apierrors.FromObject(&metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: reason, Message: "m"})
}

// unexpected is client-go's error for a response that was not a Status,
// such as a proxy's error page.
func unexpected(code int) error {
	return apierrors.NewGenericServerResponse(code, "GET", services, "svc", "<html>", 0, true)
}

// classTests are one error per rule of Classify; the wrapped variants are
// derived from them.
var classTests = []struct {
	name string
	err  error
	want lookup.Class
}{
	{"nil", nil, lookup.Found},

	{"NotFound", apierrors.NewNotFound(services, "globalip-a"), lookup.NotFound},
	{"404 unknown reason", status(404, ""), lookup.NotFound},
	{"404 unrecognised reason", status(404, "Vanished"), lookup.NotFound},
	{"NotFound reason without code", status(0, metav1.StatusReasonNotFound), lookup.NotFound},
	{"generic 404 from the API server", apierrors.NewGenericServerResponse(404, "GET", services, "svc", "", 0, false), lookup.NotFound},
	{"NotFound reason under 503", status(503, metav1.StatusReasonNotFound), lookup.Transient},
	{"NotFound reason under 200", status(200, metav1.StatusReasonNotFound), lookup.Transient},
	{"NotFound reason under 429", status(429, metav1.StatusReasonNotFound), lookup.Transient},
	{"404 from a proxy", unexpected(404), lookup.Transient},

	{"Conflict", apierrors.NewConflict(gips, "gip", errors.New("the object has been modified")), lookup.Conflict},
	{"409 unknown reason", status(409, ""), lookup.Conflict},
	{"AlreadyExists", apierrors.NewAlreadyExists(services, "svc"), lookup.Conflict},
	{"GenerateNameConflict", apierrors.NewGenerateNameConflict(services, "svc-", 1), lookup.Conflict},
	{"generic 409 on POST", apierrors.NewGenericServerResponse(409, "POST", services, "svc", "", 0, false), lookup.Conflict},

	// Gone: older servers still send this reason, and it must not read as
	// NotFound. (Deprecated in apimachinery releases after v0.33, which
	// this module builds with; a bump will need a lint:ignore SA1019 here.)
	{"Gone", apierrors.NewGone("too old resource version: 1 (42)"), lookup.Transient},
	{"ResourceExpired", apierrors.NewResourceExpired("too old resource version"), lookup.Transient},
	{"410 unknown reason", status(410, ""), lookup.Transient},
	{"ServerTimeout", apierrors.NewServerTimeout(services, "get", 2), lookup.Transient},
	{"Timeout", apierrors.NewTimeoutError("request did not complete", 1), lookup.Transient},
	{"TooManyRequests", apierrors.NewTooManyRequests("slow down", 3), lookup.Transient},
	{"TooManyRequestsError", apierrors.NewTooManyRequestsError("slow down"), lookup.Transient},
	{"InternalError", apierrors.NewInternalError(errors.New("etcdserver: leader changed")), lookup.Transient},
	{"ServiceUnavailable", apierrors.NewServiceUnavailable("apiserver is shutting down"), lookup.Transient},
	{"StoreReadError", status(500, metav1.StatusReasonStoreReadError), lookup.Transient},
	{"500", status(500, ""), lookup.Transient},
	{"502", status(502, ""), lookup.Transient},
	{"503", status(503, ""), lookup.Transient},
	{"504", status(504, ""), lookup.Transient},
	{"599 unrecognised reason", status(599, "Meltdown"), lookup.Transient},
	{"408", status(408, ""), lookup.Transient},
	{"generic 502", apierrors.NewGenericServerResponse(502, "GET", services, "svc", "bad gateway", 0, false), lookup.Transient},
	{"502 from a proxy", unexpected(502), lookup.Transient},
	{"403 from a proxy", unexpected(403), lookup.Transient},
	{"no code, no reason", status(0, ""), lookup.Transient},
	{"200", status(200, ""), lookup.Transient},
	{"302", status(302, ""), lookup.Transient},
	{"negative code", status(-1, ""), lookup.Transient},
	{"Forbidden with 429", status(429, metav1.StatusReasonForbidden), lookup.Transient},

	{"Forbidden", apierrors.NewForbidden(services, "svc", errors.New("RBAC: access denied")), lookup.Permanent},
	{"Unauthorized", apierrors.NewUnauthorized("token expired"), lookup.Permanent},
	{"Invalid", apierrors.NewInvalid(schema.GroupKind{Kind: "Service"}, "svc",
		field.ErrorList{field.Invalid(field.NewPath("spec", "clusterIP"), "x", "not an IP")}), lookup.Permanent},
	{"BadRequest", apierrors.NewBadRequest("bad"), lookup.Permanent},
	{"MethodNotSupported", apierrors.NewMethodNotSupported(services, "patch"), lookup.Permanent},
	{"NotAcceptable", status(406, metav1.StatusReasonNotAcceptable), lookup.Permanent},
	{"UnsupportedMediaType", status(415, metav1.StatusReasonUnsupportedMediaType), lookup.Permanent},
	{"RequestEntityTooLarge", apierrors.NewRequestEntityTooLargeError("too big"), lookup.Permanent},
	{"422 unknown reason", status(422, ""), lookup.Permanent},
	{"418", status(418, ""), lookup.Permanent},
	{"Forbidden reason under 503", status(503, metav1.StatusReasonForbidden), lookup.Permanent},

	{"context.Canceled", context.Canceled, lookup.Transient},
	{"context.DeadlineExceeded", context.DeadlineExceeded, lookup.Transient},
	{"io.EOF", io.EOF, lookup.Transient},
	{"io.ErrUnexpectedEOF", io.ErrUnexpectedEOF, lookup.Transient},
	{"net.ErrClosed", net.ErrClosed, lookup.Transient},
	{"os.ErrDeadlineExceeded", os.ErrDeadlineExceeded, lookup.Transient},
	{"ECONNREFUSED", syscall.ECONNREFUSED, lookup.Transient},
	{"ECONNRESET", syscall.ECONNRESET, lookup.Transient},
	{"EPIPE", syscall.EPIPE, lookup.Transient},
	{"ETIMEDOUT", syscall.ETIMEDOUT, lookup.Transient},
	{"ENOENT", syscall.ENOENT, lookup.Transient},
	{"EPERM", syscall.EPERM, lookup.Permanent},
	{"EACCES", syscall.EACCES, lookup.Permanent},
	{"reset connection", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, lookup.Transient},
	{"broken pipe", &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}, lookup.Transient},
	{"dial blocked", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EPERM)}, lookup.Transient},
	{"DNS temporary", &net.DNSError{Err: "server misbehaving", Name: "kubernetes.default.svc", IsTemporary: true}, lookup.Transient},
	{"DNS timeout", &net.DNSError{Err: "i/o timeout", Name: "kubernetes.default.svc", IsTimeout: true}, lookup.Transient},
	{"DNS no such host", &net.DNSError{Err: "no such host", Name: "kubernetes.default.svc", IsNotFound: true}, lookup.Transient},
	{"url.Error", &url.Error{Op: "Get", URL: "https://10.96.0.1:443/api/v1/namespaces/x/services/y", Err: io.EOF}, lookup.Transient},
	{"timeout method", timeoutError(true), lookup.Transient},
	{"timeout method false", timeoutError(false), lookup.Transient},

	{"unrecognised", errors.New("something odd"), lookup.Transient},
	{"UnexpectedObjectError", apierrors.FromObject(&metav1.List{}), lookup.Transient},
	{"nil Unwrap", nilWrapper{}, lookup.Transient},
	{"empty join", emptyJoin{}, lookup.Transient},
}

type timeoutError bool

func (e timeoutError) Error() string { return "timeout" }
func (e timeoutError) Timeout() bool { return bool(e) }

type nilWrapper struct{}

func (nilWrapper) Error() string { return "wraps nothing" }
func (nilWrapper) Unwrap() error { return nil }

type emptyJoin struct{}

func (emptyJoin) Error() string   { return "joins nothing" }
func (emptyJoin) Unwrap() []error { return []error{nil} }

func TestClassify(t *testing.T) {
	for _, tc := range classTests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lookup.Classify(tc.err); got != tc.want {
				t.Fatalf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
			}
			if tc.err == nil {
				return
			}
			for _, w := range wraps(tc.err) {
				if got := lookup.Classify(w); got != tc.want {
					t.Errorf("Classify(%v) = %v, want %v as unwrapped", w, got, tc.want)
				}
			}
		})
	}
}

// wraps returns err wrapped in the ways adapters wrap: %w once and twice,
// errors.Join alone and with itself, a multi-%w and a *url.Error-free
// custom wrapper.
func wraps(err error) []error {
	return []error{
		fmt.Errorf("get service: %w", err),
		fmt.Errorf("reconcile: %w", fmt.Errorf("get service: %w", err)),
		errors.Join(err),
		errors.Join(err, nil, err),
		fmt.Errorf("%w; %w", err, err),
		&wrapper{err},
	}
}

type wrapper struct{ err error }

func (w *wrapper) Error() string { return "wrapped: " + w.err.Error() }
func (w *wrapper) Unwrap() error { return w.err }

// A joined error takes the least certain class of its parts.
func TestClassifyJoined(t *testing.T) {
	notFound := apierrors.NewNotFound(services, "svc")
	conflict := apierrors.NewConflict(services, "svc", errors.New("modified"))
	forbidden := apierrors.NewForbidden(services, "svc", errors.New("denied"))
	for _, tc := range []struct {
		name string
		err  error
		want lookup.Class
	}{
		{"NotFound twice", errors.Join(notFound, fmt.Errorf("again: %w", notFound)), lookup.NotFound},
		{"NotFound and a timeout", errors.Join(notFound, context.DeadlineExceeded), lookup.Transient},
		{"timeout and NotFound", errors.Join(context.DeadlineExceeded, notFound), lookup.Transient},
		{"NotFound and something odd", fmt.Errorf("%w, %w", notFound, errors.New("odd")), lookup.Transient},
		{"NotFound and Conflict", errors.Join(notFound, conflict), lookup.Conflict},
		{"Conflict and Forbidden", errors.Join(conflict, forbidden), lookup.Permanent},
		{"Forbidden and a reset", errors.Join(forbidden, syscall.ECONNRESET), lookup.Transient},
		{"nested", errors.Join(notFound, errors.Join(notFound, fmt.Errorf("x: %w", conflict))), lookup.Conflict},
	} {
		if got := lookup.Classify(tc.err); got != tc.want {
			t.Errorf("%s: Classify = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The outermost recognised error decides: a timeout that wraps a NotFound
// does not confirm the absence.
func TestClassifyOutermostDecides(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://api", Err: fmt.Errorf("after: %w", apierrors.NewNotFound(services, "svc"))}
	if got := lookup.Classify(err); got != lookup.Transient {
		t.Errorf("Classify(%v) = %v, want Transient", err, got)
	}
}

// A real connection refused, as the API client sees it when the API server
// is restarting.
func TestClassifyDialRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err == nil {
		_ = conn.Close()
		t.Fatalf("dial %s succeeded after its listener closed", addr)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial error %v (%T) is not a *net.OpError wrapping ECONNREFUSED", err, err)
	}
	for _, e := range []error{err, fmt.Errorf("list services: %w", err), &url.Error{Op: "Get", URL: "https://" + addr, Err: err}} {
		if got := lookup.Classify(e); got != lookup.Transient {
			t.Errorf("Classify(%v) = %v, want Transient", e, got)
		}
	}
}

// A context that ran out, as the API client returns it.
func TestClassifyContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ctx2, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	for _, err := range []error{ctx.Err(), ctx2.Err(), context.Cause(ctx2), fmt.Errorf("client rate limiter Wait returned an error: %w", ctx2.Err())} {
		if got := lookup.Classify(err); got != lookup.Transient {
			t.Errorf("Classify(%v) = %v, want Transient", err, got)
		}
	}
}

// A non-nil error is never Found, and only errors apimachinery calls
// NotFound are NotFound.
func TestClassifyAgreesWithApimachinery(t *testing.T) {
	for _, tc := range classTests {
		if tc.err == nil {
			continue
		}
		got := lookup.Classify(tc.err)
		if got == lookup.Found {
			t.Errorf("%s: a non-nil error is Found", tc.name)
		}
		if got == lookup.NotFound && !apierrors.IsNotFound(tc.err) {
			t.Errorf("%s: NotFound, but apierrors.IsNotFound is false", tc.name)
		}
	}
}

var errLinkNotFound = errors.New("link not found")

func TestNewClassifier(t *testing.T) {
	calls := 0
	linkNotFound := func(err error) (lookup.Class, bool) {
		calls++
		return lookup.NotFound, err == errLinkNotFound
	}
	alreadyExistsIsFound := func(err error) (lookup.Class, bool) {
		return lookup.Found, apierrors.IsAlreadyExists(err)
	}
	broken := func(error) (lookup.Class, bool) { return 0, true }
	extra := []lookup.Func{nil, broken, linkNotFound, alreadyExistsIsFound}
	c := lookup.NewClassifier(extra...)
	extra[2] = nil // the classifier kept its own copy

	for _, tc := range []struct {
		name string
		err  error
		want lookup.Class
	}{
		{"nil", nil, lookup.Found},
		{"own sentinel", errLinkNotFound, lookup.NotFound},
		{"own sentinel wrapped", fmt.Errorf("discover tunl0: %w", errLinkNotFound), lookup.NotFound},
		{"own sentinel joined with a timeout", errors.Join(errLinkNotFound, context.DeadlineExceeded), lookup.Transient},
		{"override", apierrors.NewAlreadyExists(services, "svc"), lookup.Found},
		{"defaults", apierrors.NewNotFound(services, "svc"), lookup.NotFound},
		{"defaults, transient", apierrors.NewServiceUnavailable("x"), lookup.Transient},
		{"unrecognised", errors.New("odd"), lookup.Transient},
	} {
		if got := c(tc.err); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	if calls == 0 {
		t.Error("the extra Func was never called")
	}

	calls = 0
	if got := c(nil); got != lookup.Found || calls != 0 {
		t.Errorf("c(nil) = %v after %d calls; want Found without asking", got, calls)
	}
	if got := lookup.NewClassifier()(errLinkNotFound); got != lookup.Transient {
		t.Errorf("NewClassifier() classifies errLinkNotFound as %v, want the default Transient", got)
	}
	if got := lookup.NewClassifier(nil, nil)(apierrors.NewNotFound(services, "svc")); got != lookup.NotFound {
		t.Errorf("NewClassifier(nil, nil) = %v, want the default NotFound", got)
	}
}

// The first Func to answer decides.
func TestNewClassifierOrder(t *testing.T) {
	say := func(c lookup.Class) lookup.Func { return func(error) (lookup.Class, bool) { return c, true } }
	if got := lookup.NewClassifier(say(lookup.Permanent), say(lookup.NotFound))(io.EOF); got != lookup.Permanent {
		t.Errorf("got %v, want the first Func's Permanent", got)
	}
}

func TestClassifyLongChain(t *testing.T) {
	err := error(apierrors.NewNotFound(services, "svc"))
	for range 100_000 {
		err = &wrapper{err}
	}
	if got := lookup.Classify(err); got != lookup.NotFound {
		t.Errorf("got %v, want NotFound", got)
	}
}

func BenchmarkClassify(b *testing.B) {
	for _, bc := range []struct {
		name string
		err  error
	}{
		{"NotFound", fmt.Errorf("get: %w", apierrors.NewNotFound(services, "svc"))},
		{"Forbidden", apierrors.NewForbidden(services, "svc", errors.New("denied"))},
		{"OpError", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}},
		{"unrecognised", errors.New("odd")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lookup.Classify(bc.err)
			}
		})
	}
}
