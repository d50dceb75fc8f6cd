package kube

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

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/lookup"
)

// What the server answered is definite; what was lost after sending is
// Unknown; what never left is Failed.
func TestOutcomeOf(t *testing.T) {
	gr := schema.GroupResource{Group: "multicluster.x-k8s.io", Resource: "serviceimports"}
	post := func(err error) error { return &url.Error{Op: "Post", URL: "https://api/x", Err: err} }
	for _, c := range []struct {
		err   error
		want  discovery.Outcome
		class lookup.Class
	}{
		{nil, discovery.Done, 0},
		{apierrors.NewConflict(gr, "web", errors.New("stale")), discovery.Conflict, 0},
		{apierrors.NewAlreadyExists(gr, "web"), discovery.Conflict, 0},
		{apierrors.NewForbidden(gr, "web", errors.New("no")), discovery.Failed, lookup.Permanent},
		{apierrors.NewNotFound(gr, "web"), discovery.Failed, lookup.NotFound},
		{apierrors.NewInternalError(errors.New("etcd")), discovery.Failed, lookup.Transient},
		{apierrors.NewTooManyRequests("slow down", 1), discovery.Failed, lookup.Transient},
		{fmt.Errorf("update: %w", apierrors.NewTimeoutError("took too long", 1)), discovery.Unknown, 0},
		{apierrors.NewServerTimeout(gr, "update", 1), discovery.Unknown, 0},
		{post(syscall.ECONNRESET), discovery.Unknown, 0},
		{post(io.ErrUnexpectedEOF), discovery.Unknown, 0},
		{post(context.DeadlineExceeded), discovery.Unknown, 0},
		{errors.New("speaker not ready"), discovery.Unknown, 0},
		{post(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), discovery.Failed, lookup.Transient},
		{post(syscall.ECONNREFUSED), discovery.Failed, lookup.Transient},
		{syscall.EACCES, discovery.Failed, lookup.Permanent},
	} {
		if o, class := outcomeOf(c.err); o != c.want || class != c.class {
			t.Errorf("outcomeOf(%v) = %v %v, want %v %v", c.err, o, class, c.want, c.class)
		}
	}
}
