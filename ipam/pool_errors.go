package ipam

import "errors"

// Sentinel errors of Pool. NewPool, UnmarshalBinary and the range methods
// wrap them with context (test with errors.Is); the per-address methods
// (AllocateNext, Allocate, Release) return them bare, so that their failures
// cost no allocation either and compare with == as well as errors.Is.
var (
	// ErrPoolFull: no free address, or no run of free addresses long
	// enough, is left.
	ErrPoolFull = errors.New("ipam: pool full")
	// ErrOutOfRange: the address is not a usable address of the pool: it
	// lies outside every prefix, is an IPv4 network or broadcast address,
	// is an IPv4-mapped IPv6 address or carries a zone; or a run of
	// addresses crosses the end of its prefix.
	ErrOutOfRange = errors.New("ipam: address out of range")
	// ErrAllocated: the address is already allocated.
	ErrAllocated = errors.New("ipam: address already allocated")
	// ErrNotAllocated: the address is free, so there is nothing to release.
	ErrNotAllocated = errors.New("ipam: address not allocated")
	// ErrInvalidPrefix: a prefix is invalid, has host bits set, is an
	// IPv4-mapped IPv6 prefix or carries a zone; or no prefix was given.
	ErrInvalidPrefix = errors.New("ipam: invalid prefix")
	// ErrOverlappingPrefixes: two prefixes share addresses.
	ErrOverlappingPrefixes = errors.New("ipam: overlapping prefixes")
	// ErrPoolTooLarge: the prefixes hold more than PoolMaxSize usable
	// addresses.
	ErrPoolTooLarge = errors.New("ipam: pool too large")
	// ErrInvalidSnapshot: UnmarshalBinary was given bytes that are not a
	// snapshot of this pool.
	ErrInvalidSnapshot = errors.New("ipam: invalid pool snapshot")
	// ErrInvalidCount: a run of addresses was asked for with n < 1.
	ErrInvalidCount = errors.New("ipam: invalid address count")
)
