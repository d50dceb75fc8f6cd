// Package nstest gives kernel-adapter tests a fresh network namespace each,
// and a netlink handle bound to it, so that tests never touch the host's
// links, routes or rules and can run in parallel.
package nstest

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/meshstate/meshstate/internal/testenv"
)

// Namespace is a fresh network namespace and a netlink handle bound to it.
type Namespace struct {
	NS     netns.NsHandle
	Handle *netlink.Handle
}

// New creates a network namespace for the test, closed when it ends. It
// needs root: outside CI the test is skipped, under CI it fails.
func New(t testing.TB) *Namespace {
	t.Helper()
	testenv.RequireRoot(t)
	ns, err := Create()
	if err != nil {
		t.Fatalf("nstest: %v", err)
	}
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		ns.Close()
		t.Fatalf("nstest: handle in namespace: %v", err)
	}
	t.Cleanup(func() {
		h.Close()
		ns.Close()
	})
	return &Namespace{NS: ns, Handle: h}
}

// Create makes an anonymous network namespace without leaving the calling
// thread in it: netns.New switches the thread it runs on, so that thread is
// locked and switched back before it is released. Programs outside tests
// (examples) use it directly; the caller closes the handle.
func Create() (netns.NsHandle, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return 0, fmt.Errorf("current namespace: %w", err)
	}
	defer orig.Close()
	ns, err := netns.New()
	if err != nil {
		return 0, fmt.Errorf("new namespace: %w", err)
	}
	if err := netns.Set(orig); err != nil {
		// The thread is stuck in the new namespace: never hand it back.
		ns.Close()
		panic(fmt.Sprintf("nstest: cannot return to the original namespace: %v", err))
	}
	return ns, nil
}

// Do runs f on a locked OS thread switched into the namespace, for the
// calls that have no handle form (sockets, sysctl files).
func (n *Namespace) Do(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return err
	}
	defer orig.Close()
	if err := netns.Set(n.NS); err != nil {
		return err
	}
	defer func() {
		if err := netns.Set(orig); err != nil {
			panic(fmt.Sprintf("nstest: cannot return to the original namespace: %v", err))
		}
	}()
	return f()
}

// Veth creates a veth pair inside the namespace, both ends up, and returns
// the first end.
func (n *Namespace) Veth(t testing.TB, name, peer string) netlink.Link {
	t.Helper()
	la := netlink.NewLinkAttrs()
	la.Name = name
	if err := n.Handle.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: peer}); err != nil {
		t.Fatalf("nstest: veth %s/%s: %v", name, peer, err)
	}
	for _, l := range []string{name, peer} {
		link, err := n.Handle.LinkByName(l)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Handle.LinkSetUp(link); err != nil {
			t.Fatal(err)
		}
	}
	link, err := n.Handle.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return link
}
