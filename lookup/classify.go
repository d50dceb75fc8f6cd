package lookup

// Func recognises errors the defaults do not, or classifies some
// differently: an adapter's own sentinels, a library's error types. It
// returns false to pass. A Func is called with each error of a wrapped
// chain in turn, outermost first, so it need not unwrap; if it does (with
// errors.As), it answers for the whole chain.
type Func func(err error) (Class, bool)

// Classifier maps an error to its Class. Classify is the default one;
// NewClassifier builds others.
type Classifier func(err error) Class

// NewClassifier returns a Classifier that asks extra, in order, about each
// error of a chain before the defaults do (see Classify); the first Func
// to answer with a valid Class decides that error. Nil Funcs and answers
// that are not valid classes are ignored, since a classifier has no way to
// report them. A nil error is Found without asking anyone.
//
// extra is copied: changing the slice afterwards changes nothing.
func NewClassifier(extra ...Func) Classifier {
	fs := make([]Func, 0, len(extra))
	for _, f := range extra {
		if f != nil {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return Classify
	}
	return func(err error) Class {
		if err == nil {
			return Found
		}
		return walk(err, fs)
	}
}

// Classify is the default classifier. A nil error is Found, and a non-nil
// one never is. The errors of a chain are examined in turn, outermost
// first, and the first one recognised decides; if none is, the error is
// Transient.
//
// A Kubernetes API status (apierrors.APIStatus) is classified by its
// reason and code with apimachinery's helpers, asked in this order, so
// that a status showing any sign of an outage is never taken for an
// answer:
//
//   - Transient: IsUnexpectedServerError (a response that was not a
//     Status, whatever its code), IsTooManyRequests, IsServerTimeout,
//     IsTimeout, IsInternalError, IsServiceUnavailable, IsGone,
//     IsResourceExpired, IsStoreReadError;
//   - NotFound: IsNotFound with a code of 404 or none; any other code
//     contradicts the reason, and the status is Transient;
//   - Conflict: IsConflict, IsAlreadyExists;
//   - Permanent: IsUnauthorized, IsForbidden, IsInvalid, IsBadRequest,
//     IsMethodNotSupported, IsNotAcceptable, IsUnsupportedMediaType,
//     IsRequestEntityTooLargeError;
//   - otherwise by code: 408 and 5xx are Transient, other 4xx Permanent,
//     and anything else (no code, 1xx to 3xx) Transient.
//
// Errors of the transport under the API client say the request did not
// complete, never anything about the object:
//
//   - Transient: context.Canceled, context.DeadlineExceeded, io.EOF,
//     io.ErrUnexpectedEOF, net.ErrClosed, any net.Error (*net.OpError,
//     *url.Error, *net.DNSError even for "no such host"), and any error
//     whose Timeout method reports true;
//   - syscall.Errno: Permanent for EPERM and EACCES, Transient for the
//     others (connection refused, reset, broken pipe, ...). ENOENT and its
//     kin are not NotFound: bare, they do not say what is missing. An
//     adapter that knows (netlink's "no such device") adds a Func.
//
// An error that wraps several (errors.Join, fmt.Errorf with several %w)
// takes the least certain class of those it wraps, in the order
// Transient, Permanent, Conflict, NotFound, Found: it is NotFound only if
// each of them is.
func Classify(err error) Class {
	if err == nil {
		return Found
	}
	return walk(err, nil)
}

// walk classifies a non-nil err and its chain. Single wraps are followed in
// a loop, so a long chain costs no stack.
func walk(err error, extra []Func) Class {
	for {
		if c, ok := classifyOne(err, extra); ok {
			return c
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			if err = u.Unwrap(); err == nil {
				return Transient
			}
		case interface{ Unwrap() []error }:
			return joined(u.Unwrap(), extra)
		default:
			return Transient
		}
	}
}

// joined classifies the errors of a multi-error, returning the least
// certain class among them.
func joined(errs []error, extra []Func) Class {
	var c Class
	for _, e := range errs {
		if e == nil {
			continue
		}
		if c = lessCertain(c, walk(e, extra)); c == Transient {
			break // nothing is less certain
		}
	}
	if c == 0 {
		return Transient
	}
	return c
}

// classifyOne classifies err itself, without unwrapping it.
func classifyOne(err error, extra []Func) (Class, bool) {
	for _, f := range extra {
		if c, ok := f(err); ok && c.Valid() {
			return c, true
		}
	}
	if c, ok := classifyStatus(err); ok {
		return c, true
	}
	return classifyTransport(err)
}

// lessCertain returns whichever of a and b leaves more unknown. The zero
// Class is below every class, so it can start a fold.
func lessCertain(a, b Class) Class {
	if uncertainty(b) > uncertainty(a) {
		return b
	}
	return a
}

func uncertainty(c Class) int {
	switch c {
	case Found:
		return 1
	case NotFound:
		return 2
	case Conflict:
		return 3
	case Permanent:
		return 4
	case Transient:
		return 5
	}
	return 0
}
