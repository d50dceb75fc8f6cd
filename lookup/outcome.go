package lookup

import (
	"errors"
	"net"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/meshstate/meshstate/internal/enum"
)

// Outcome is how an attempt to apply a write ended, as an adapter reports
// it to its machine (ipam.Applied, vip.Applied, mcs.Applied). Only
// OutcomeDone says the write took effect, and only OutcomeConflict and
// OutcomeFailed say it did not; OutcomeUnknown says nothing either way. The
// machine packages re-export these under short names (ipam.Done, ...).
type Outcome uint8

// The outcomes of a write.
const (
	// OutcomeDone: the write took effect.
	OutcomeDone Outcome = iota + 1
	// OutcomeConflict: the server refused the write because the writer's
	// copy was stale (409 Conflict, or AlreadyExists on a create). A newer
	// copy shows what the server holds.
	OutcomeConflict
	// OutcomeFailed: the write was refused or never sent. Its Class says
	// whether retrying soon can help (Transient, NotFound) or not
	// (Permanent).
	OutcomeFailed
	// OutcomeUnknown: the request may have reached the server, but its
	// answer was lost or was a server error: the write may or may not have
	// taken effect, and only a later read can tell.
	OutcomeUnknown
)

var outcomeNames = [...]string{OutcomeDone: "Done", OutcomeConflict: "Conflict",
	OutcomeFailed: "Failed", OutcomeUnknown: "Unknown"}

// Valid reports whether o is one of the outcomes.
func (o Outcome) Valid() bool { return o >= OutcomeDone && o <= OutcomeUnknown }

// String implements fmt.Stringer.
func (o Outcome) String() string { return enum.Name(outcomeNames[:], o, "Outcome") }

// MarshalText encodes o as its name.
func (o Outcome) MarshalText() ([]byte, error) {
	return enum.Marshal(outcomeNames[:], o, "lookup.Outcome")
}

// UnmarshalText decodes an outcome name.
func (o *Outcome) UnmarshalText(b []byte) (err error) {
	*o, err = enum.Unmarshal[Outcome](outcomeNames[:], b, "lookup.Outcome")
	return err
}

// WriteOutcome answers, for the error a create, update, patch or delete
// returned, the one question a machine needs: may this write have been
// applied? It is the only such judgement in meshstate; every adapter
// reports its writes through it. The class is set for Failed only.
//
//   - nil is Done.
//   - A 409 Conflict or an AlreadyExists is Conflict.
//   - Any 5xx status, and any timeout status (408, 504, ServerTimeout), is
//     Unknown: the API server may have committed the write to etcd before
//     the error (an etcd "request timed out" comes back as a 500), and a
//     proxy's 502 or 503 may come after the request was forwarded.
//   - A 429 and every other 4xx status is Failed, with its class: the
//     server answered before doing anything.
//   - A request that never left (the dial failed, the connection was
//     refused) is Failed and Transient; one refused by the local system
//     (EPERM, EACCES) is Failed and Permanent.
//   - Anything else from under the API client (a reset, an EOF, a timeout
//     or a cancelled context after sending) is Unknown.
//
// Reading an Unknown as Failed is the error this function exists to
// prevent: a machine that believes an applied write failed may act against
// what the server already holds. Unknown costs only a read before the next
// decision.
func WriteOutcome(err error) (Outcome, Class) {
	if err == nil {
		return OutcomeDone, 0
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code := status.Status().Code
		switch {
		case apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err):
			return OutcomeConflict, 0
		case code >= 500 || code == codeRequestTimeout ||
			apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) || apierrors.IsInternalError(err):
			return OutcomeUnknown, 0
		}
		if c := Classify(err); c != Found {
			return OutcomeFailed, c
		}
		return OutcomeFailed, Transient // a status error is never a success
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" || errors.Is(err, syscall.ECONNREFUSED) {
		return OutcomeFailed, Transient
	}
	if Classify(err) == Permanent {
		return OutcomeFailed, Permanent // refused by the local system: never sent
	}
	return OutcomeUnknown, 0
}
