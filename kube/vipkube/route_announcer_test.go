package vipkube_test

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/internal/nstest"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipkube"
	"github.com/meshstate/meshstate/routes"
)

const (
	vipTable = 150
	vipProto = 250
)

// tableRoutes lists the IPv4 routes of the VIP table as "dst proto".
func tableRoutes(t testing.TB, h *netlink.Handle) []string {
	t.Helper()
	rs, err := h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: vipTable}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Dst.String()+" "+r.Protocol.String())
	}
	slices.Sort(out)
	return out
}

func hostRoute(t testing.TB, h *netlink.Handle, link int, dst string, proto netlink.RouteProtocol) {
	t.Helper()
	_, ipn, err := net.ParseCIDR(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.RouteAdd(&netlink.Route{Dst: ipn, LinkIndex: link, Table: vipTable, Protocol: proto, Scope: netlink.SCOPE_LINK}); err != nil {
		t.Fatal(err)
	}
}

// The RouteAnnouncer in a fresh network namespace, fed by the VIP adapter
// against the API server: a VIP becomes an owned host route in its table;
// the owned route a previous run left is pruned, but only once the adapter
// has synced; a foreign route in the same table is never touched; a
// withdrawn VIP's route is deleted.
func TestRouteAnnouncerInstallsVIPs(t *testing.T) {
	env := kubetest.Shared(t)
	nsn := nstest.New(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "vip-agent-5", "discovery.yaml")
	c := kubetest.NewClients(t, user)
	link := nsn.Veth(t, "vip0", "vip1").Attrs().Index
	hostRoute(t, nsn.Handle, link, "198.51.100.99/32", vipProto) // ours, from before a restart
	hostRoute(t, nsn.Handle, link, "198.51.100.98/32", vipProto+1)
	createSlice(t, cs, endpointSlice(ns, "web-abc12", "web", node, true))
	createService(t, cs, lbService(ns, "web", "198.51.100.1", false))

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	ra, err := vipkube.NewRouteAnnouncer(vipkube.RouteConfig{Handle: nsn.Handle, Namespace: nsn.NS, LinkIndex: link,
		Routes: routes.Config{Table: vipTable, Protocol: vipProto}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := vipkube.New(vipkube.Config{Client: c.Kube, Namespace: ns, Machine: vip.Config{NodeName: node}, Announcer: ra})
	if err != nil {
		t.Fatal(err)
	}
	routesRun := kubetest.Go(ra.Run)
	time.Sleep(100 * time.Millisecond) // the kernel adapter has dumped; nothing may be pruned yet
	if got := tableRoutes(t, nsn.Handle); len(got) != 2 {
		t.Fatalf("before the VIP adapter synced, the table holds %v", got)
	}
	began := time.Now()
	vipRun := kubetest.Go(a.Run)
	want := []string{"198.51.100.1/32 250", "198.51.100.98/32 251"}
	kubetest.WaitFor(t, 20*time.Second, "the VIP route", func() bool { return slices.Equal(tableRoutes(t, nsn.Handle), want) })
	t.Logf("VIP route installed and stale route pruned %v after start (synced after %v)",
		time.Since(began).Round(time.Millisecond), a.Status().SyncedAt.Sub(began).Round(time.Millisecond))

	if err := cs.CoreV1().Services(ns).Delete(context.Background(), "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want = want[1:]
	kubetest.WaitFor(t, 10*time.Second, "the VIP route withdrawn", func() bool { return slices.Equal(tableRoutes(t, nsn.Handle), want) })
	vipRun.Stop(t)
	routesRun.Stop(t)
}
