package lookup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/meshstate/meshstate/lookup"
)

// What the server answered before acting is definite; what may have been
// committed (a server error, a timeout, an answer lost after sending) is
// Unknown; what never left is Failed.
func TestWriteOutcome(t *testing.T) {
	gr := schema.GroupResource{Group: "multicluster.x-k8s.io", Resource: "serviceimports"}
	post := func(err error) error { return &url.Error{Op: "Post", URL: "https://api/x", Err: err} }
	for _, c := range []struct {
		err   error
		want  lookup.Outcome
		class lookup.Class
	}{
		{nil, lookup.OutcomeDone, 0},
		{apierrors.NewConflict(gr, "web", errors.New("stale")), lookup.OutcomeConflict, 0},
		{apierrors.NewAlreadyExists(gr, "web"), lookup.OutcomeConflict, 0},
		{apierrors.NewForbidden(gr, "web", errors.New("no")), lookup.OutcomeFailed, lookup.Permanent},
		{apierrors.NewNotFound(gr, "web"), lookup.OutcomeFailed, lookup.NotFound},
		{apierrors.NewBadRequest("no"), lookup.OutcomeFailed, lookup.Permanent},
		{apierrors.NewTooManyRequests("slow down", 1), lookup.OutcomeFailed, lookup.Transient},
		{apierrors.NewInternalError(errors.New("etcdserver: request timed out")), lookup.OutcomeUnknown, 0},
		{apierrors.NewServiceUnavailable("draining"), lookup.OutcomeUnknown, 0},
		{apierrors.NewGenericServerResponse(502, "PUT", gr, "web", "<html>bad gateway</html>", 0, true), lookup.OutcomeUnknown, 0},
		{fmt.Errorf("update: %w", apierrors.NewTimeoutError("took too long", 1)), lookup.OutcomeUnknown, 0},
		{apierrors.NewServerTimeout(gr, "update", 1), lookup.OutcomeUnknown, 0},
		{post(syscall.ECONNRESET), lookup.OutcomeUnknown, 0},
		{post(io.ErrUnexpectedEOF), lookup.OutcomeUnknown, 0},
		{post(context.DeadlineExceeded), lookup.OutcomeUnknown, 0},
		{errors.New("speaker not ready"), lookup.OutcomeUnknown, 0},
		{post(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), lookup.OutcomeFailed, lookup.Transient},
		{post(syscall.ECONNREFUSED), lookup.OutcomeFailed, lookup.Transient},
		{syscall.EACCES, lookup.OutcomeFailed, lookup.Permanent},
	} {
		if o, class := lookup.WriteOutcome(c.err); o != c.want || class != c.class {
			t.Errorf("WriteOutcome(%v) = %v %v, want %v %v", c.err, o, class, c.want, c.class)
		}
	}
}

// A Failed outcome always carries a failure class and no other outcome
// carries one: the machines refuse an Applied event otherwise.
func TestWriteOutcomeClassOnlyWhenFailed(t *testing.T) {
	gr := schema.GroupResource{Resource: "services"}
	for code := 400; code < 600; code++ {
		err := apierrors.NewGenericServerResponse(code, "PUT", gr, "web", "", 0, false)
		o, c := lookup.WriteOutcome(err)
		if !o.Valid() {
			t.Fatalf("%d: outcome %v", code, o)
		}
		if (o == lookup.OutcomeFailed) != (c.Valid() && c != lookup.Found) {
			t.Errorf("%d: %v with class %v", code, o, c)
		}
		if code >= 500 && o != lookup.OutcomeUnknown {
			t.Errorf("%d: %v, want Unknown: a server error may follow the commit", code, o)
		}
	}
}

func TestOutcomeText(t *testing.T) {
	for o := lookup.OutcomeDone; o <= lookup.OutcomeUnknown; o++ {
		b, err := o.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back lookup.Outcome
		if err := back.UnmarshalText(b); err != nil || back != o {
			t.Errorf("%v: round trip gave %v, %v", o, back, err)
		}
	}
	if _, err := lookup.Outcome(0).MarshalText(); err == nil {
		t.Error("the zero Outcome marshalled")
	}
	var o lookup.Outcome
	if err := o.UnmarshalText([]byte("Maybe")); err == nil {
		t.Error(`"Maybe" unmarshalled`)
	}
}
