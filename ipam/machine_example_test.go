package ipam_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/lookup"
)

// A restart: the relist carries an owner with the address its status
// records; the lookup of its internal Service times out. The address is
// kept and the lookup retried, never released (incident 003).
func ExampleMachine() {
	m, err := ipam.New(ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.254.1.0/24")}})
	if err != nil {
		panic(err)
	}
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	gip := ipam.Owner{Namespace: "default", Name: "gip-nginx", UID: "u-1"}
	for _, ev := range []ipam.Event{
		ipam.Observed{Owner: gip, Want: 1, DependsOn: true, At: at,
			Status: ipam.Status{Addresses: []netip.Addr{netip.MustParseAddr("242.254.1.7")}}},
		ipam.Synced{At: at},
		ipam.LookupResult{Owner: gip, Class: lookup.Classify(fmt.Errorf("dial tcp: i/o timeout: %w", errTimeout{})), At: at},
	} {
		effects, err := m.Step(ev)
		if err != nil {
			fmt.Println("rejected:", err)
		}
		for _, e := range effects {
			fmt.Println(e)
		}
	}
	held, _ := m.Addresses("default", "gip-nginx")
	fmt.Println("holds", held)
	// Output:
	// SetCondition default/gip-nginx Allocated=True/Recovered
	// Notify default/gip-nginx Normal/Recovered
	// Lookup default/gip-nginx
	// SetCondition default/gip-nginx Ready=False/DependencyPending
	// SetCondition default/gip-nginx DependencyReady=False/LookupFailed
	// RetryAfter default/gip-nginx Lookup 904.031995ms
	// SetCondition default/gip-nginx Ready=False/LookupFailed
	// holds [242.254.1.7]
}

type errTimeout struct{}

func (errTimeout) Error() string   { return "timeout" }
func (errTimeout) Timeout() bool   { return true }
func (errTimeout) Temporary() bool { return true }
