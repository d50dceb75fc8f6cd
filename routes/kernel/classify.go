package kernel

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// Classify maps the error of a netlink write to the class the machine acts
// on: the one place where errno values are interpreted.
func Classify(err error) routes.Class {
	var errno unix.Errno
	var foreign *ForeignRouteError
	switch {
	case err == nil:
		return routes.OK
	case errors.As(err, &foreign):
		// Never ours to take: retried slowly, in case its owner removes it.
		return routes.Permanent
	case !errors.As(err, &errno):
		return routes.Transient // not the kernel's answer: the socket, say
	}
	switch errno {
	case unix.ENETUNREACH, unix.EHOSTUNREACH, unix.ENETDOWN:
		return routes.Unreachable
	case unix.ESRCH, unix.ENOENT:
		return routes.Gone
	case unix.EEXIST:
		return routes.Exists
	case unix.ENOBUFS, unix.EAGAIN, unix.EBUSY, unix.EINTR, unix.ENOMEM:
		return routes.Transient
	case unix.ENODEV:
		// The device is not there (yet): it may appear, like tunl0
		// after a reboot.
		return routes.Unreachable
	}
	return routes.Permanent
}

// ForeignRouteError reports that a route of another owner (another
// protocol) holds the key one of ours needs; it is left alone.
type ForeignRouteError struct {
	// Dst is the contested route's destination prefix.
	Dst string
	// Table is the routing table holding it.
	Table int
	// Protocol is the foreign route's protocol number (RTPROT_*), not
	// ours.
	Protocol int
}

// Error implements error.
func (e *ForeignRouteError) Error() string {
	return fmt.Sprintf("a foreign route (protocol %d) holds %s in table %d; not replacing it", e.Protocol, e.Dst, e.Table)
}
