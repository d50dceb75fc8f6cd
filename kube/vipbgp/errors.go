package vipbgp

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrInvalidConfig is wrapped by every error New returns for a Config it
// refuses; the error is a *ConfigError naming the field.
var ErrInvalidConfig = errors.New("vipbgp: invalid config")

// ErrInvalidVIP is wrapped by the error Announce or Withdraw returns for
// an address it cannot announce; the error is a *VIPError.
var ErrInvalidVIP = errors.New("vipbgp: invalid VIP")

// ErrStarted is returned by a second call of Run: an Announcer runs once.
var ErrStarted = errors.New("vipbgp: Run was already called")

// ErrStopped is returned by Announce, Withdraw and Commit once Run has
// returned: the speaker is gone, and a new Announcer must take over.
var ErrStopped = errors.New("vipbgp: the announcer has stopped")

// ConfigError is a Config field New refuses, and why. It wraps
// ErrInvalidConfig.
type ConfigError struct {
	// Field names the field, as in Go ("Peers[1].ASN").
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error reports the field and the reason.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("vipbgp: invalid config: %s: %s", e.Field, e.Reason)
}

// Unwrap returns ErrInvalidConfig.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

// VIPError is an address Announce or Withdraw refuses, and why. It wraps
// ErrInvalidVIP.
type VIPError struct {
	// VIP is the address as given.
	VIP netip.Addr
	// Reason says why it cannot be announced.
	Reason string
}

// Error reports the address and the reason.
func (e *VIPError) Error() string {
	return fmt.Sprintf("vipbgp: invalid VIP %v: %s", e.VIP, e.Reason)
}

// Unwrap returns ErrInvalidVIP.
func (e *VIPError) Unwrap() error { return ErrInvalidVIP }
