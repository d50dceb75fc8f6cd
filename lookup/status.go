package lookup

import (
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// HTTP status codes, spelled out here because lookup must not import
// net/http: machines import lookup.
const (
	codeNone           = 0
	codeNotFound       = 404
	codeRequestTimeout = 408
)

// classifyStatus classifies err if err itself is a Kubernetes API status.
// The apierrors helpers match the reason first and the code only when the
// reason is one apimachinery does not know, except IsTooManyRequests and
// IsRequestEntityTooLargeError, which match the code always. The
// transient helpers are asked first so that a status carrying any sign of
// an outage is never read as an answer.
func classifyStatus(err error) (Class, bool) {
	st, ok := err.(apierrors.APIStatus)
	if !ok {
		return 0, false
	}
	code := st.Status().Code
	switch {
	case apierrors.IsUnexpectedServerError(err),
		apierrors.IsTooManyRequests(err),
		apierrors.IsServerTimeout(err),
		apierrors.IsTimeout(err),
		apierrors.IsInternalError(err),
		apierrors.IsServiceUnavailable(err),
		apierrors.IsGone(err),
		apierrors.IsResourceExpired(err),
		apierrors.IsStoreReadError(err):
		return Transient, true
	case apierrors.IsNotFound(err):
		// The API server always sends NotFound with 404. Any other code
		// contradicts the reason, and only an unambiguous absence may
		// release anything.
		if code == codeNotFound || code == codeNone {
			return NotFound, true
		}
		return Transient, true
	case apierrors.IsConflict(err), apierrors.IsAlreadyExists(err):
		return Conflict, true
	case apierrors.IsUnauthorized(err),
		apierrors.IsForbidden(err),
		apierrors.IsInvalid(err),
		apierrors.IsBadRequest(err),
		apierrors.IsMethodNotSupported(err),
		apierrors.IsNotAcceptable(err),
		apierrors.IsUnsupportedMediaType(err),
		apierrors.IsRequestEntityTooLargeError(err):
		return Permanent, true
	}
	switch {
	case code == codeRequestTimeout, code >= 500 && code <= 599:
		return Transient, true
	case code >= 400 && code <= 499:
		return Permanent, true
	}
	return Transient, true
}
