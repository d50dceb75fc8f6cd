package icmp

import "errors"

// Sentinel errors; New and Start wrap them with details, so test with
// errors.Is.
var (
	// ErrInvalidConfig: New was given a non-positive Interval or Timeout, or
	// no Results function.
	ErrInvalidConfig = errors.New("icmp: invalid config")
	// ErrInvalidKey: Start was given an empty key.
	ErrInvalidKey = errors.New("icmp: empty key")
	// ErrUnsupportedAddr: Start was given no address, or a probe of an
	// IPv6 address could not be sent because the kernel gave no ICMPv6
	// socket; the latter comes as a lost Result's Err.
	ErrUnsupportedAddr = errors.New("icmp: unsupported address")
	// ErrTooManyProbers: Start would need more probers than there are ICMP
	// identifiers (65536).
	ErrTooManyProbers = errors.New("icmp: too many probers")
	// ErrAlreadyRun: Run was called on a pool that had already been run.
	ErrAlreadyRun = errors.New("icmp: Run called more than once")
	// ErrStopped: Start was called after Run returned or its context was
	// done; nothing was started.
	ErrStopped = errors.New("icmp: pool stopped")
	// ErrSocket: Run could not open the ICMP socket in the namespace, or
	// reading from it failed.
	ErrSocket = errors.New("icmp: socket")
)
