package vipkube_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

// Incident 004 for real: EndpointSlices created before their Services,
// all of it before the adapter starts. The first call batch, once both
// informers have synced, is the whole desired set, and no call comes
// before sync.
func TestVIPSlicesBeforeServicesThenStart(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	const n = 40
	var want []string
	// Slices first: usable ones on this node, not-ready ones, and under
	// policy Local ones on another node; then one slice of no Service.
	for i := range n {
		svc := fmt.Sprintf("web-%d", i)
		ready, where := i%4 != 1, node
		if i%4 == 2 {
			where = "node-b"
		}
		createSlice(t, cs, endpointSlice(ns, svc+"-abc12", svc, where, ready))
	}
	createSlice(t, cs, endpointSlice(ns, "ghost-abc12", "ghost", node, true))
	for i := range n {
		vip := fmt.Sprintf("198.51.100.%d", i+1)
		local := i%4 == 2
		createService(t, cs, lbService(ns, fmt.Sprintf("web-%d", i), vip, local))
		if i%4 != 1 && i%4 != 2 {
			want = append(want, call{Op: "announce", VIP: netip.MustParseAddr(vip), Services: []string{fmt.Sprintf("%s/web-%d", ns, i)}}.String())
		}
	}
	slices.Sort(want) // the machine emits by address; these sort the same as strings only by chance, so compare sorted
	user := env.UserWithRole(t, "vip-agent-1", "discovery.yaml")
	c := kubetest.NewClients(t, user)

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	rec := &recorder{}
	var trace bytes.Buffer
	a := newAdapter(t, c, ns, rec, &trace)
	began := time.Now()
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "the first commit", func() bool { b, _ := rec.committed(); return len(b) > 0 })
	batches, at := rec.committed()
	st := a.Status()
	var got []string
	for _, c := range batches[0] {
		if !c.Synced {
			t.Errorf("%v was called before both informers had synced", c)
		}
		got = append(got, c.String())
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("first batch after sync:\n%v\nwant the whole desired set (%d VIPs):\n%v", got, len(want), want)
	}
	t.Logf("%d services, %d slices: synced %v after start; first batch of %d announcements committed %v after sync",
		n, n+1, st.SyncedAt.Sub(began).Round(time.Millisecond), len(got), at[0].Sub(st.SyncedAt).Round(time.Microsecond))
	time.Sleep(200 * time.Millisecond) // nothing more is to come
	if all := rec.calls(); len(all) != len(want) {
		t.Fatalf("%d calls in all, want %d: %v", len(all), len(want), all)
	}
	r.Stop(t)
	if st := a.Status(); st.Rejected != 0 || st.Skipped != 0 || st.LastError != nil {
		t.Errorf("status %+v", st)
	}
	replayVIP(t, vipConfig(), trace.Bytes(), rec.calls())
}

// The other order: the adapter starts on an empty namespace, then the
// slices are created, then their Services. The empty desired set is
// committed at sync; each VIP is announced as its Service arrives, not on
// some later relist.
func TestVIPStartThenSlicesThenServices(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "vip-agent-2", "discovery.yaml")
	c := kubetest.NewClients(t, user)

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	rec := &recorder{}
	var trace bytes.Buffer
	a := newAdapter(t, c, ns, rec, &trace)
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "the first commit", func() bool { b, _ := rec.committed(); return len(b) > 0 })
	if b, _ := rec.committed(); len(b[0]) != 0 {
		t.Fatalf("first batch on an empty namespace: %v", b[0])
	}
	const n = 10
	for i := range n {
		createSlice(t, cs, endpointSlice(ns, fmt.Sprintf("web-%d-abc12", i), fmt.Sprintf("web-%d", i), node, true))
	}
	time.Sleep(200 * time.Millisecond)
	if calls := rec.calls(); len(calls) != 0 {
		t.Fatalf("slices without Services announced %v", calls)
	}
	var lat []time.Duration
	for i := range n {
		vip := netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)})
		created := time.Now()
		createService(t, cs, lbService(ns, fmt.Sprintf("web-%d", i), vip.String(), false))
		kubetest.WaitFor(t, 10*time.Second, "the announcement of "+vip.String(), func() bool { return slices.Contains(rec.announced(), vip) })
		calls := rec.calls()
		last := calls[len(calls)-1]
		if len(calls) != i+1 || last.VIP != vip || last.Op != "announce" || !last.Synced {
			t.Fatalf("after service %d: calls %v", i, calls)
		}
		lat = append(lat, last.At.Sub(created))
	}
	slices.Sort(lat)
	t.Logf("Service created -> VIP announced: median %v, max %v over %d services whose slices came first",
		lat[n/2].Round(time.Microsecond), lat[n-1].Round(time.Microsecond), n)
	r.Stop(t)
	replayVIP(t, vipConfig(), trace.Bytes(), rec.calls())
}
