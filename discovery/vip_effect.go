package discovery

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/internal/enum"
)

// VIPKind says what a VIPEffect asks the announcer to do.
type VIPKind uint8

// The effect kinds. Both are idempotent: advertising an advertised VIP or
// withdrawing a withdrawn one is harmless.
const (
	// Advertise: announce the VIP (a BGP route, an ARP/NDP responder).
	Advertise VIPKind = iota + 1
	// Withdraw: stop announcing the VIP.
	Withdraw
)

var vipKindNames = [...]string{Advertise: "Advertise", Withdraw: "Withdraw"}

// String implements fmt.Stringer.
func (k VIPKind) String() string { return enum.Name(vipKindNames[:], k, "VIPKind") }

// MarshalText encodes k as its name.
func (k VIPKind) MarshalText() ([]byte, error) {
	return enum.Marshal(vipKindNames[:], k, "discovery.VIPKind")
}

// UnmarshalText decodes a kind name.
func (k *VIPKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[VIPKind](vipKindNames[:], b, "discovery.VIPKind")
	return err
}

// VIPEffect is an output of the VIPMachine. Services justify it, as sorted
// "namespace/name" keys: for Advertise, the services using the VIP that
// have a usable endpoint; for Withdraw, the services still using the VIP,
// none of which has one (empty when none uses it any more). Services is
// shared with the machine and must not be modified.
type VIPEffect struct {
	Kind     VIPKind    `json:"type"`
	VIP      netip.Addr `json:"vip"`
	Services []string   `json:"services,omitempty"`
}

// String gives the kind, VIP and services, as scenario files write them.
func (e VIPEffect) String() string { return fmt.Sprintf("%v %v %v", e.Kind, e.VIP, e.Services) }
