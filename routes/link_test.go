package routes_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/meshstate/meshstate/routes"
)

// tunnel is a remote routed through the device "tunl0", first at index 5.
var tunnel = routes.Remote{Cluster: "south", LinkIndex: 5, Device: "tunl0",
	Subnets: []netip.Prefix{netip.MustParsePrefix("10.3.0.0/16")}}

// applyAll reports every write of ops as succeeded and returns the
// operations that causes.
func applyAll(t *testing.T, m *routes.Machine, ops []routes.Effect) []routes.Effect {
	t.Helper()
	var out []routes.Effect
	for _, op := range ops {
		if op.Kind.IsWrite() {
			out = append(out, mustStep(t, m, routes.Applied{Op: op, Class: routes.OK})...)
		}
	}
	return out
}

func routeOps(ops []routes.Effect) []routes.Route {
	var out []routes.Route
	for _, op := range ops {
		if op.Kind == routes.ReplaceRoute {
			out = append(out, op.Route)
		}
	}
	return out
}

// A device deleted and created again at another index takes its
// remote's routes along, without a new Desired; other devices, and the
// deletion itself, cause no write.
func TestDeviceFollowedAcrossRecreation(t *testing.T) {
	m := newMachine(t)
	mustStep(t, m, routes.Desired{Remotes: []routes.Remote{tunnel}})
	mustStep(t, m, routes.DesiredSynced{})
	ops := mustStep(t, m, routes.Dump{Complete: true})
	if rs := routeOps(ops); len(rs) != 1 || rs[0].LinkIndex != 5 {
		t.Fatalf("first write %v", ops)
	}
	applyAll(t, m, ops)
	for _, ev := range []routes.LinkUpdate{
		{Index: 5, Name: "tunl0"}, {Index: 9, Name: "eth1"}, {Index: 5, Name: "tunl0", Deleted: true},
	} {
		if ops := mustStep(t, m, ev); len(ops) != 0 {
			t.Fatalf("%+v gave %v", ev, ops)
		}
	}
	ops = mustStep(t, m, routes.LinkUpdate{Index: 7, Name: "tunl0"})
	if rs := routeOps(ops); len(rs) != 1 || rs[0].LinkIndex != 7 || rs[0].Dst != tunnel.Subnets[0] {
		t.Fatalf("re-created device gave %v, want the route moved to index 7", ops)
	}
	applyAll(t, m, ops)
	if !m.Converged() {
		t.Fatal("not converged after the move")
	}
	// The same Desired sent again (cni still says index 5) keeps index 7:
	// the kernel's word is newer.
	if ops := mustStep(t, m, routes.Desired{Remotes: []routes.Remote{tunnel}}); len(ops) != 0 {
		t.Fatalf("re-sent Desired gave %v", ops)
	}
	// Once the device is gone for good, a Desired's own index applies.
	mustStep(t, m, routes.LinkUpdate{Index: 7, Name: "tunl0", Deleted: true})
	moved := tunnel
	moved.LinkIndex = 11
	if rs := routeOps(mustStep(t, m, routes.Desired{Remotes: []routes.Remote{moved}})); len(rs) != 1 || rs[0].LinkIndex != 11 {
		t.Fatalf("Desired with index 11 while the device is gone gave %v", rs)
	}
}

// A device seen before the Desired naming it: its index is used.
func TestDeviceSeenBeforeDesired(t *testing.T) {
	m := newMachine(t)
	mustStep(t, m, routes.LinkUpdate{Index: 8, Name: "tunl0"})
	mustStep(t, m, routes.Desired{Remotes: []routes.Remote{tunnel}})
	mustStep(t, m, routes.DesiredSynced{})
	if rs := routeOps(mustStep(t, m, routes.Dump{Complete: true})); len(rs) != 1 || rs[0].LinkIndex != 8 {
		t.Fatalf("got %v, want index 8", rs)
	}
	if got := m.Devices(); len(got) != 1 || got[0] != "tunl0" {
		t.Errorf("Devices() = %q", got)
	}
}

func TestDeviceRejected(t *testing.T) {
	m := newMachine(t)
	noIndex := tunnel
	noIndex.LinkIndex, noIndex.Gateway = 0, gw
	for _, ev := range []routes.Event{
		routes.Desired{Remotes: []routes.Remote{noIndex}},
		routes.LinkUpdate{Name: "tunl0"},
		routes.LinkUpdate{Index: 3},
	} {
		if _, err := m.Step(ev); !errors.Is(err, routes.ErrInvalidEvent) {
			t.Errorf("%+v: %v, want ErrInvalidEvent", ev, err)
		}
	}
}
