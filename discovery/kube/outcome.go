package kube

import (
	"errors"
	"net"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/lookup"
)

// outcomeOf tells the machine how a write ended. An answer from the server
// is definite: a conflict is Conflict, any other refusal Failed with its
// class (lookup.Classify), except a timeout status, with which the server
// says it may still carry the request out. A request that never left
// (no connection) is Failed and Transient. Anything else from under the
// API client (a reset, an EOF, a timeout after sending) may have reached
// the server: Unknown, for the machine to keep pending until it sees the
// server's state (lookup alone cannot tell, since to a lookup all of these
// are Transient).
func outcomeOf(err error) (discovery.Outcome, lookup.Class) {
	if err == nil {
		return discovery.Done, 0
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		if apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) {
			return discovery.Unknown, 0
		}
		switch c := lookup.Classify(err); c {
		case lookup.Conflict:
			return discovery.Conflict, 0
		case lookup.Found:
			return discovery.Failed, lookup.Transient // cannot be: a status error is no success
		default:
			return discovery.Failed, c
		}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" || errors.Is(err, syscall.ECONNREFUSED) {
		return discovery.Failed, lookup.Transient
	}
	if c := lookup.Classify(err); c == lookup.Permanent {
		return discovery.Failed, c // refused locally (EPERM, EACCES): never sent
	}
	return discovery.Unknown, 0
}
