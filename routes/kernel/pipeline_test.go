package kernel_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/meshstate/meshstate/routes"
)

// Route writes are pipelined, an answer asked only of each window's last
// request: every failure must still land on its own route. Two remotes
// interleave 300 subnets each (one reachable gateway, one not), so that
// failures fall anywhere in the windows, on their last requests too.
// Then the reachable ones are all deleted in one run.
func TestPipelinedOutcomesPerRoute(t *testing.T) {
	ns, _ := setup(t)
	east := routes.Remote{Cluster: "east", Gateway: gateway}
	west := routes.Remote{Cluster: "west", Gateway: netip.MustParseAddr("192.168.77.2")}
	var want []string
	for i := range 600 {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 32)
		if i%2 == 0 {
			east.Subnets = append(east.Subnets, p)
			want = append(want, p.String()+" 250")
		} else {
			west.Subnets = append(west.Subnets, p)
		}
	}
	slices.Sort(want)
	a := newAdapter(t, ns)
	a.Logf = nil
	if err := a.Sync(routes.Desired{Source: local, Remotes: []routes.Remote{east, west}}); err != nil {
		t.Fatal(err)
	}
	if got := listTable(t, ns.Handle, table); !slices.Equal(got, want) {
		t.Fatalf("table holds %d routes, want the %d of east", len(got), len(want))
	}
	f := a.Status().Pending
	if len(f) != len(west.Subnets) {
		t.Fatalf("%d failures, want %d", len(f), len(west.Subnets))
	}
	for _, x := range f {
		if !slices.Contains(west.Subnets, x.Route.Dst) || x.Reason != routes.ReasonGatewayUnreachable {
			t.Fatalf("failure %+v is not one of west's unreachable routes", x)
		}
	}
	if got := a.Status().Routes; len(got) != len(east.Subnets) {
		t.Fatalf("machine holds %d routes, want %d", len(got), len(east.Subnets))
	}

	if err := a.Sync(routes.Desired{Source: local, Remotes: []routes.Remote{west}}); err != nil {
		t.Fatal(err)
	}
	if got := listTable(t, ns.Handle, table); len(got) != 0 {
		t.Fatalf("after deleting east, the table holds %d routes", len(got))
	}
	if got := a.Status().Routes; len(got) != 0 {
		t.Fatalf("machine still holds %d routes", len(got))
	}
}
