package kernel_test

import (
	"context"
	"log"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/kernel"
)

// A route agent finds the CNI interface of the host namespace: the one
// holding an address in the pod CIDR. It keeps looking, relisting on every
// link or address change, until one appears; and it says when it is lost.
// (Not run: it needs CAP_NET_ADMIN.)
func ExampleRun() {
	ns, err := netns.Get()
	if err != nil {
		log.Fatal(err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	err = kernel.Run(context.Background(), kernel.Config{
		Handle:  h,
		NS:      ns,
		Machine: cni.Config{PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}},
		Report: func(e cni.Effect) {
			switch e.Kind {
			case cni.Discovered:
				log.Printf("CNI interface %s (%d) with %v", e.Interface, e.Index, e.Address)
			case cni.Lost, cni.Waiting:
				log.Print(e)
			}
		},
	})
	log.Print(err)
}

// A controller keeps the watcher to serve its status (a /readyz handler,
// a condition) while Run runs; Status is safe to call from any goroutine.
// (Not run: it needs CAP_NET_ADMIN.)
func ExampleWatcher_Status() {
	ns, err := netns.Get()
	if err != nil {
		log.Fatal(err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	w, err := kernel.New(kernel.Config{
		Handle:  h,
		NS:      ns,
		Machine: cni.Config{PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}},
		Report:  func(cni.Effect) {},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }() // Run's goroutines have ended
	st := w.Status()
	if st.Found {
		log.Printf("CNI interface %s", st.Interface.Interface)
	} else {
		log.Printf("no CNI interface: %s: %s", st.Reason, st.Message)
	}
}
