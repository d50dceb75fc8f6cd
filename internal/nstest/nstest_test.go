package nstest

import (
	"testing"

	"github.com/vishvananda/netlink"
)

// A fresh namespace holds only its loopback link, and what is created in
// it does not appear on the host.
func TestNamespaceIsFresh(t *testing.T) {
	n := New(t)
	links, err := n.Handle.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].Attrs().Name != "lo" {
		t.Fatalf("fresh namespace links: %v", links)
	}
	n.Veth(t, "ms-a", "ms-b")
	if _, err := netlink.LinkByName("ms-a"); err == nil {
		t.Fatal("the veth leaked into the host namespace")
	}
	var inside bool
	if err := n.Do(func() error {
		_, err := netlink.LinkByName("ms-b")
		inside = err == nil
		return nil
	}); err != nil || !inside {
		t.Fatalf("Do did not run inside the namespace: %v", err)
	}
}
