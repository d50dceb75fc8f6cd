package vipbgp_test

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/kube/vipbgp"
)

// New validates the whole configuration before anything starts, and
// names the field it refuses.
func ExampleNew() {
	_, err := vipbgp.New(vipbgp.Config{
		ASN:      65000,
		RouterID: netip.MustParseAddr("192.0.2.1"),
		Peers: []vipbgp.Peer{
			{Address: netip.MustParseAddr("192.0.2.254"), ASN: 65001},
			{Address: netip.MustParseAddr("192.0.2.254"), ASN: 65002},
		},
	})
	var ce *vipbgp.ConfigError
	fmt.Println(errors.Is(err, vipbgp.ErrInvalidConfig), errors.As(err, &ce) && ce.Field == "Peers[1].Address")
	fmt.Println(err)
	// Output:
	// true true
	// vipbgp: invalid config: Peers[1].Address: 192.0.2.254 is also Peers[0]
}
