package kernel_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/kernel"
	"github.com/meshstate/meshstate/internal/nstest"
)

// bound is the generous limit on how long an effect may take to arrive;
// no tighter timing is asserted.
const bound = 2 * time.Second

var podCIDRs = []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16"), netip.MustParsePrefix("fd00:244::/56")}

// started runs kernel.Run in the namespace and returns its effects and a
// stop function that cancels it and checks that it ended cleanly.
func started(t *testing.T, ns *nstest.Namespace) (<-chan cni.Effect, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	effects := make(chan cni.Effect, 256)
	ended := make(chan error, 1)
	go func() {
		ended <- kernel.Run(ctx, kernel.Config{
			Handle: ns.Handle, NS: ns.NS, Machine: cni.Config{PodCIDRs: podCIDRs},
			Report: func(e cni.Effect) {
				select {
				case effects <- e:
				case <-ctx.Done():
				}
			},
		})
	}()
	return effects, func() {
		t.Helper()
		cancel()
		select {
		case err := <-ended:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		case <-time.After(bound):
			t.Fatal("Run did not return after cancel")
		}
	}
}

// next waits, for at most bound, for the next effect other than
// RetryAfter and Waiting.
func next(t *testing.T, effects <-chan cni.Effect) cni.Effect {
	t.Helper()
	deadline := time.After(bound)
	for {
		select {
		case e := <-effects:
			if e.Kind == cni.Discovered || e.Kind == cni.Lost {
				return e
			}
		case <-deadline:
			t.Fatalf("no Discovered or Lost within %v", bound)
		}
	}
}

// first waits for the first RetryAfter: the initial listing found nothing.
func first(t *testing.T, effects <-chan cni.Effect) {
	t.Helper()
	select {
	case e := <-effects:
		if e.Kind != cni.RetryAfter {
			t.Fatalf("first effect %v, want RetryAfter (nothing matches yet)", e)
		}
	case <-time.After(bound):
		t.Fatal("no effect from the initial listing")
	}
}

func addAddr(t *testing.T, ns *nstest.Namespace, link netlink.Link, cidr string) {
	t.Helper()
	addAddrFlags(t, ns, link, cidr, 0)
}

func addAddrFlags(t *testing.T, ns *nstest.Namespace, link netlink.Link, cidr string, flags int) {
	t.Helper()
	ip, n, err := net.ParseCIDR(cidr)
	if err != nil {
		t.Fatal(err)
	}
	n.IP = ip
	if err := ns.Handle.AddrAdd(link, &netlink.Addr{IPNet: n, Flags: flags}); err != nil {
		t.Fatalf("addr add %s: %v", cidr, err)
	}
}

// Incident 002 on a real kernel: the CNI interface (a veth end standing in
// for tunl0) is created 300 ms after discovery starts and found once its
// address appears; an unrelated link is ignored; its removal is Lost.
func TestLateInterface(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ns := nstest.New(t)
	addAddr(t, ns, ns.Veth(t, "eth1", "eth1p"), "192.168.1.1/24")
	effects, stop := started(t, ns)
	defer stop()
	first(t, effects)

	<-time.After(300 * time.Millisecond) // the scenario's delay, not a synchronisation
	tunl := ns.Veth(t, "tunl0sim", "tunl0peer")
	addAddr(t, ns, tunl, "10.244.3.1/32")
	added := time.Now()
	e := next(t, effects)
	latency := time.Since(added)
	want := cni.Effect{Kind: cni.Discovered, Interface: "tunl0sim", Index: tunl.Attrs().Index,
		Address: netip.MustParsePrefix("10.244.3.1/32")}
	if e != want {
		t.Fatalf("got %v, want %v", e, want)
	}
	t.Logf("discovered %v %v after its address was added", e, latency)

	// A second address on the unrelated link changes nothing; the removal
	// of the interface is reported next, as Lost.
	link, _ := ns.Handle.LinkByName("eth1")
	addAddr(t, ns, link, "192.168.2.1/24")
	if err := ns.Handle.LinkDel(tunl); err != nil {
		t.Fatal(err)
	}
	if e := next(t, effects); e.Kind != cni.Lost || e.Index != want.Index {
		t.Fatalf("got %v, want Lost tunl0sim", e)
	}
}

// A VXLAN device holding an IPv6 pod address before discovery starts is
// found by the initial listing; its address changing is re-discovered.
func TestExistingVXLAN(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ns := nstest.New(t)
	la := netlink.NewLinkAttrs()
	la.Name = "vxlan.calico"
	if err := ns.Handle.LinkAdd(&netlink.Vxlan{LinkAttrs: la, VxlanId: 4096, Port: 4789}); err != nil {
		t.Fatalf("vxlan: %v", err)
	}
	vx, err := ns.Handle.LinkByName("vxlan.calico")
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.Handle.LinkSetUp(vx); err != nil {
		t.Fatal(err)
	}
	// NODAD, as for an address on a tunnel device with no neighbours: an
	// IPv6 address in duplicate address detection is not usable, and not
	// discovered, until DAD completes (TestTentativeIPv6).
	addAddrFlags(t, ns, vx, "fd00:244::9/128", unix.IFA_F_NODAD)
	effects, stop := started(t, ns)
	defer stop()
	e := next(t, effects)
	if e.Kind != cni.Discovered || e.Interface != "vxlan.calico" || e.Address != netip.MustParsePrefix("fd00:244::9/128") {
		t.Fatalf("got %v, want Discovered vxlan.calico fd00:244::9/128", e)
	}
	addAddr(t, ns, vx, "10.244.5.1/32")
	if e := next(t, effects); e.Kind != cni.Discovered || e.Address != netip.MustParsePrefix("10.244.5.1/32") {
		t.Fatalf("got %v, want Discovered with 10.244.5.1/32 (IPv4 before IPv6)", e)
	}
}

// An IPv6 pod address added with duplicate address detection is tentative:
// the kernel lists it in a dump at once but announces it only when DAD
// completes, and it cannot be used before. The watcher discovers it then,
// whether it first saw it in a dump or not, never earlier.
func TestTentativeIPv6(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ns := nstest.New(t)
	link := ns.Veth(t, "tunl0sim", "tunl0peer")
	addAddr(t, ns, link, "fd00:244::5/128")
	added := time.Now()
	r := start(t, ns, kernel.Config{})
	defer r.stop(t)
	e := r.await(t, settleBound, "Discovered fd00:244::5", func(e cni.Effect) bool {
		return e.Kind == cni.Discovered && e.Address == netip.MustParsePrefix("fd00:244::5/128")
	})
	t.Logf("discovered %v after the address was added (DAD)", e.at.Sub(added).Round(time.Millisecond))
	r.converged(t, ns)
}
