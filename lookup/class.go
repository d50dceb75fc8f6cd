package lookup

import (
	"errors"
	"fmt"
)

// Class is what an error from a lookup or a write means for the object it
// concerns. The zero value is not a class: an event whose Class was never
// set is invalid input, not Found, so machines can reject it (Valid).
type Class uint8

// The classes. Only Found and NotFound are answers (Known); the others mean
// the state of the object is unknown, and a machine must not release,
// delete or withdraw anything on them.
//
// The numeric values are not part of the API; Class marshals by name.
const (
	// Found: the call succeeded (err == nil). The object exists, or the
	// write took effect.
	Found Class = iota + 1
	// NotFound: the API server confirmed that the object does not exist.
	// The only class on which a machine may release what the object held.
	NotFound
	// Conflict: a write was refused because the machine's view is stale
	// (409: resourceVersion conflict, or the name is already taken). The
	// object's state is unknown until re-read: re-observe, then decide
	// again; backing off first gains nothing.
	Conflict
	// Transient: an outage, a timeout, throttling, a cut connection, or an
	// error nothing recognises. Unknown: keep everything and retry with
	// backoff.
	Transient
	// Permanent: the request itself is refused (forbidden, unauthorized,
	// invalid) and retrying it soon will fail the same way, until an
	// operator or a new spec changes something. Unknown: keep everything,
	// report it, retry slowly.
	Permanent
)

// ErrInvalidClass is wrapped by the errors of MarshalText and UnmarshalText
// for a value or a name that is not a Class.
var ErrInvalidClass = errors.New("lookup: invalid class")

// name is c's name, or "" if c is invalid. A switch rather than a table,
// so that the package holds no mutable state.
func (c Class) name() string {
	switch c {
	case Found:
		return "Found"
	case NotFound:
		return "NotFound"
	case Conflict:
		return "Conflict"
	case Transient:
		return "Transient"
	case Permanent:
		return "Permanent"
	}
	return ""
}

// Valid reports whether c is one of the defined classes.
func (c Class) Valid() bool { return c >= Found && c <= Permanent }

// Known reports whether c is an answer about the object, Found or NotFound,
// rather than an unknown outcome.
func (c Class) Known() bool { return c == Found || c == NotFound }

// String returns the class's name, or "Class(n)" for an invalid value.
func (c Class) String() string {
	if !c.Valid() {
		return fmt.Sprintf("Class(%d)", uint8(c))
	}
	return c.name()
}

// MarshalText encodes c by name, so that recorded traces survive a
// renumbering. An invalid value is an error wrapping ErrInvalidClass.
func (c Class) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrInvalidClass, uint8(c))
	}
	return []byte(c.name()), nil
}

// UnmarshalText decodes a name written by MarshalText; names are case
// sensitive. On error, wrapping ErrInvalidClass, c is unchanged.
func (c *Class) UnmarshalText(text []byte) error {
	for v := Found; v <= Permanent; v++ {
		if string(text) == v.name() {
			*c = v
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrInvalidClass, text)
}
