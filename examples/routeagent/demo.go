package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/meshstate/meshstate/cni"
	cnikernel "github.com/meshstate/meshstate/cni/kernel"
	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/routes"
	routeskernel "github.com/meshstate/meshstate/routes/kernel"
)

// The demo's network. The gateway namespace is this cluster's (west) route
// agent; the remote namespace plays east's gateway node, at the far end of
// the veth pair.
const (
	table    = 150
	protocol = 250

	vethGateway = "to-east"   // in the gateway namespace
	vethRemote  = "to-west"   // moved to the remote namespace
	cniLink     = "vxlan-cni" // the stand-in CNI interface
)

var (
	podCIDR     = netip.MustParsePrefix("10.244.0.0/16")
	serviceCIDR = netip.MustParsePrefix("10.96.0.0/12")
	cniAddr     = netip.MustParsePrefix("10.244.0.1/32")
	gatewayAddr = netip.MustParsePrefix("169.254.100.1/30")
	remoteAddr  = netip.MustParsePrefix("169.254.100.2/30")
	// east's subnets, as its gateway's Endpoint publishes them.
	eastSubnets = []string{"10.245.0.0/16", "100.65.0.0/16"}
)

// result is what the demo found in the kernel, for main and the test.
type result struct {
	// CNI is the interface cni/kernel discovered.
	CNI cni.Choice
	// VethIndex is the ifindex of the gateway namespace's veth end, the
	// device of the routes via the remote side.
	VethIndex int
	// AfterStale is table 150 right after the stale endpoint's deletion.
	AfterStale []routes.Route
	// Restored is table 150 once routes/kernel restored the flushed routes.
	Restored []routes.Route
	// Final is table 150, and Rules the rules looking it up, as dumped
	// with netlink at the end.
	Final []routes.Route
	Rules []routes.Rule
}

// expectedRoutes are the routes to east's subnets that the gateway
// namespace must hold: via east's gateway over the veth, from the CNI
// interface's address, in our table and protocol.
func expectedRoutes(vethIndex int) []routes.Route {
	var rs []routes.Route
	for _, s := range eastSubnets {
		rs = append(rs, routes.Route{
			Dst:       netip.MustParsePrefix(s),
			Gateway:   remoteAddr.Addr(),
			LinkIndex: vethIndex,
			Src:       cniAddr.Addr(),
			Table:     table,
			Protocol:  protocol,
		})
	}
	sortRoutes(rs)
	return rs
}

func (r *result) ok() bool {
	want := expectedRoutes(r.VethIndex)
	return slices.Equal(r.AfterStale, want) && slices.Equal(r.Restored, want) && slices.Equal(r.Final, want)
}

// syncWriter serialises the writes of the adapters' goroutines (their
// log functions) with the demo's own.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// demo runs the agent in a pair of namespaces it creates and removes.
// Every goroutine it starts has ended when it returns.
func demo(ctx context.Context, out io.Writer) (res *result, err error) {
	w := &syncWriter{w: out}
	res = &result{}

	// --- the namespaces -------------------------------------------------
	gw, err := newNamespace("gateway")
	if err != nil {
		return nil, err
	}
	defer gw.close()
	remote, err := newNamespace("remote")
	if err != nil {
		return nil, err
	}
	defer remote.close()
	fmt.Fprintln(w, "== namespaces")
	if err := gw.h.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: vethGateway}, PeerName: vethRemote}); err != nil {
		return nil, fmt.Errorf("veth: %w", err)
	}
	peer, err := gw.h.LinkByName(vethRemote)
	if err != nil {
		return nil, err
	}
	if err := gw.h.LinkSetNsFd(peer, int(remote.ns)); err != nil {
		return nil, fmt.Errorf("move %s to the remote namespace: %w", vethRemote, err)
	}
	if err := gw.addAddr(vethGateway, gatewayAddr); err != nil {
		return nil, err
	}
	if err := remote.addAddr(vethRemote, remoteAddr); err != nil {
		return nil, err
	}
	veth, err := gw.h.LinkByName(vethGateway)
	if err != nil {
		return nil, err
	}
	res.VethIndex = veth.Attrs().Index
	fmt.Fprintf(w, "gateway namespace: %s (#%d) %s\n", vethGateway, res.VethIndex, gatewayAddr)
	fmt.Fprintf(w, "remote namespace:  %s %s (east's gateway node)\n", vethRemote, remoteAddr)
	// The CNI's device exists from the start but gets its pod-CIDR
	// address only later, as when calico-node or flannel is still starting.
	la := netlink.NewLinkAttrs()
	la.Name = cniLink
	if err := gw.h.LinkAdd(&netlink.Vxlan{LinkAttrs: la, VxlanId: 4096, Port: 4789}); err != nil {
		return nil, fmt.Errorf("vxlan: %w", err)
	}
	if err := gw.addAddr(cniLink, netip.Prefix{}); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "gateway namespace: %s up, no address yet\n", cniLink)

	// --- CNI discovery ----------------------------------------------------
	fmt.Fprintf(w, "\n== cni discovery (pod CIDR %s)\n", podCIDR)
	cniCtx, stopCNI := context.WithCancel(ctx)
	effects := make(chan cni.Effect, 16)
	cniDone := make(chan struct{})
	var cniErr error
	go func() {
		defer close(cniDone)
		cniErr = cnikernel.Run(cniCtx, cnikernel.Config{
			Handle:  gw.h,
			NS:      gw.ns,
			Machine: cni.Config{PodCIDRs: []netip.Prefix{podCIDR}},
			Report: func(e cni.Effect) {
				select {
				case effects <- e:
				case <-cniCtx.Done():
				}
			},
		})
	}()
	defer func() {
		stopCNI()
		<-cniDone
		if err == nil && cniErr != nil && !errors.Is(cniErr, context.Canceled) {
			err = fmt.Errorf("cni/kernel: %w", cniErr)
		}
	}()
	addressed := false
	for res.CNI.Interface == "" {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the CNI interface: %w", ctx.Err())
		case <-cniDone:
			return nil, fmt.Errorf("cni/kernel stopped: %v", cniErr)
		case e := <-effects:
			fmt.Fprintf(w, "cni: %v\n", e)
			switch e.Kind {
			case cni.Discovered:
				res.CNI = cni.Choice{Interface: e.Interface, Index: e.Index, Address: e.Address}
			case cni.RetryAfter, cni.Waiting:
				if addressed {
					break
				}
				// The first search failed; now the CNI agent "starts".
				addressed = true
				if err := gw.addAddr(cniLink, cniAddr); err != nil {
					return nil, err
				}
				fmt.Fprintf(w, "(the CNI agent adds %s to %s; no need to wait for the retry)\n", cniAddr, cniLink)
			}
		}
	}
	source := res.CNI.Address.Addr()
	fmt.Fprintf(w, "CNI interface: %s (#%d), routes will use source %s\n", res.CNI.Interface, res.CNI.Index, source)

	// --- routes/kernel ------------------------------------------------------
	cfg := routes.Config{
		Table:        table,
		Protocol:     protocol,
		PodCIDRs:     []netip.Prefix{podCIDR},
		ServiceCIDRs: []netip.Prefix{serviceCIDR},
	}
	ad, err := routeskernel.New(gw.h, gw.ns, cfg)
	if err != nil {
		return nil, err
	}
	defer ad.Close() // its write socket; deferred first, so it runs after Run has stopped
	ad.Logf = func(format string, args ...any) {
		fmt.Fprintf(w, "routes/kernel: "+format+"\n", args...)
	}
	desired := make(chan routes.Desired)
	routesCtx, stopRoutes := context.WithCancel(ctx)
	routesDone := make(chan struct{})
	var routesErr error
	go func() {
		defer close(routesDone)
		routesErr = ad.Run(routesCtx, desired)
	}()
	defer func() {
		stopRoutes()
		<-routesDone
		if err == nil && routesErr != nil && !errors.Is(routesErr, context.Canceled) {
			err = fmt.Errorf("routes/kernel: %w", routesErr)
		}
	}()
	// send hands d to Run and returns once Run has stepped it, with the
	// kernel writes it caused done: Run takes the next value only after
	// stepping the previous one, so d is sent twice, and the second,
	// identical, desired state is a no-op.
	send := func(d routes.Desired) error {
		for range 2 {
			select {
			case desired <- d:
			case <-routesDone:
				return fmt.Errorf("routes/kernel stopped: %v", routesErr)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}

	// The route handler: east's active endpoint becomes a Remote routed
	// via its private IP. It implements endpoint.Handler only, so it is
	// never told of stale endpoints.
	remotes := map[string]routes.Remote{}
	apply := func(why string) error {
		d := routes.Desired{Sources: []netip.Addr{source}}
		for _, r := range remotes {
			d.Remotes = append(d.Remotes, r)
		}
		sort.Slice(d.Remotes, func(i, j int) bool { return d.Remotes[i].Cluster < d.Remotes[j].Cluster })
		want, _, refused, err := routes.Build(cfg, source, d.Remotes)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  route handler: %s: desired %d route(s)\n", why, len(want))
		for _, r := range refused {
			fmt.Fprintf(w, "    refused: %v\n", r)
		}
		before, _, err := gw.tableRoutes(table)
		if err != nil {
			return err
		}
		rulesBefore, err := gw.tableRules(table)
		if err != nil {
			return err
		}
		writes := ad.Stats().Writes
		if err := send(d); err != nil {
			return err
		}
		after, _, err := gw.tableRoutes(table)
		if err != nil {
			return err
		}
		rulesAfter, err := gw.tableRules(table)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  routes/kernel: %d write(s)\n", ad.Stats().Writes-writes)
		printDiff(w, "    ", before, after)
		for _, r := range rulesAfter {
			if !slices.Contains(rulesBefore, r) {
				fmt.Fprintf(w, "    + rule %v\n", r)
			}
		}
		for _, r := range rulesBefore {
			if !slices.Contains(rulesAfter, r) {
				fmt.Fprintf(w, "    - rule %v\n", r)
			}
		}
		return nil
	}
	handler := endpoint.HandlerFuncs{
		RemoteCreated: func(ep *endpoint.Endpoint) error {
			remotes[ep.ClusterID] = routes.Remote{Cluster: ep.ClusterID, Subnets: ep.Subnets, Gateway: ep.PrivateIP}
			return apply(fmt.Sprintf("%s reachable via %s (%s)", ep.ClusterID, ep.PrivateIP, ep.Name))
		},
		RemoteUpdated: func(ep *endpoint.Endpoint) error {
			remotes[ep.ClusterID] = routes.Remote{Cluster: ep.ClusterID, Subnets: ep.Subnets, Gateway: ep.PrivateIP}
			return apply(fmt.Sprintf("%s now via %s (%s)", ep.ClusterID, ep.PrivateIP, ep.Name))
		},
		RemoteRemoved: func(ep *endpoint.Endpoint) error {
			delete(remotes, ep.ClusterID)
			return apply(fmt.Sprintf("%s gone (%s)", ep.ClusterID, ep.Name))
		},
	}

	// --- endpoints: incident 000 ------------------------------------------
	em, err := endpoint.New(endpoint.Config{LocalClusterID: "west"})
	if err != nil {
		return nil, err
	}
	created := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	eastEndpoint := func(name, uid string, seq uint64) endpoint.Endpoint {
		ep := endpoint.Endpoint{
			Name: name, UID: uid, ClusterID: "east", Hostname: "east-node-1",
			PrivateIP: remoteAddr.Addr(), Backend: "libreswan",
			CreatedAt: created, Sequence: seq,
		}
		for _, s := range eastSubnets {
			ep.Subnets = append(ep.Subnets, netip.MustParsePrefix(s))
		}
		return ep
	}
	steps := []struct {
		title string
		ev    endpoint.Event
	}{
		{"informer: add east-gw-1", endpoint.Upsert{Endpoint: eastEndpoint("east-gw-1", "uid-1", 1)}},
		{"informer: synced", endpoint.Synced{}},
		{"informer: add east-gw-2 (east's gateway restarted: same second, sequence 2)", endpoint.Upsert{Endpoint: eastEndpoint("east-gw-2", "uid-2", 2)}},
		{"informer: delete east-gw-1 (the old gateway's endpoint, deleted late)", endpoint.Delete{Name: "east-gw-1", UID: "uid-1"}},
	}
	fmt.Fprintln(w, "\n== endpoints (incident 000: a gateway restart)")
	for i, s := range steps {
		fmt.Fprintln(w, s.title)
		ns, err := em.Step(s.ev)
		if err != nil {
			return nil, err
		}
		if len(ns) == 0 {
			fmt.Fprintln(w, "  endpoint: no notification")
		}
		for _, n := range ns {
			fmt.Fprintf(w, "  endpoint: %v\n", n)
			if n.Kind.Stale() {
				fmt.Fprintf(w, "  route handler: not told (stale; %s is served by east-gw-2)\n", n.Endpoint.ClusterID)
			}
			if err := endpoint.Deliver(handler, n); err != nil {
				return nil, err
			}
		}
		if i == len(steps)-1 {
			if res.AfterStale, _, err = gw.tableRoutes(table); err != nil {
				return nil, err
			}
			fmt.Fprintf(w, "  table %d after the stale deletion: %d route(s), still via %s\n", table, len(res.AfterStale), remoteAddr.Addr())
		}
	}

	// --- a third party flushes the table ------------------------------------
	fmt.Fprintf(w, "\n== a third party deletes the routes of table %d\n", table)
	_, krs, err := gw.tableRoutes(table)
	if err != nil {
		return nil, err
	}
	writes := ad.Stats().Writes
	for _, kr := range krs {
		if err := gw.h.RouteDel(&kr); err != nil {
			return nil, fmt.Errorf("third-party delete: %w", err)
		}
		fmt.Fprintf(w, "  deleted: %v\n", fromKernel(kr))
	}
	want := expectedRoutes(res.VethIndex)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		rs, _, err := gw.tableRoutes(table)
		if err != nil {
			return nil, err
		}
		if ad.Stats().Writes-writes >= int64(len(krs)) && slices.Equal(rs, want) {
			res.Restored = rs
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for routes/kernel to restore the routes: %w", ctx.Err())
		case <-routesDone:
			return nil, fmt.Errorf("routes/kernel stopped: %v", routesErr)
		case <-tick.C:
		}
	}
	fmt.Fprintf(w, "  routes/kernel saw the deletions on its route subscription: %d write(s)\n", ad.Stats().Writes-writes)
	for _, r := range res.Restored {
		fmt.Fprintf(w, "  restored: %v\n", r)
	}

	// --- what the kernel holds ----------------------------------------------
	if res.Final, _, err = gw.tableRoutes(table); err != nil {
		return nil, err
	}
	if res.Rules, err = gw.tableRules(table); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "\n== gateway namespace, table %d (netlink dump)\n", table)
	for _, r := range res.Final {
		owned := ""
		if cfg.OwnsRoute(r) {
			owned = "  [owned]"
		}
		fmt.Fprintf(w, "route %v%s\n", r, owned)
	}
	for _, r := range res.Rules {
		fmt.Fprintf(w, "rule  %v\n", r)
	}
	st := ad.Stats()
	fmt.Fprintf(w, "routes/kernel: %d writes, %d dumps, %d failures\n", st.Writes, st.Dumps, st.Failures)
	if res.ok() {
		fmt.Fprintln(w, "ok: the routes to east survived the gateway restart and the flush")
	} else {
		fmt.Fprintf(w, "FAIL: want the routes\n")
		for _, r := range want {
			fmt.Fprintf(w, "  %v\n", r)
		}
	}
	return res, nil
}

// printDiff prints the routes added (+) and removed (-) between two dumps.
func printDiff(w io.Writer, indent string, before, after []routes.Route) {
	same := true
	for _, r := range before {
		if !slices.Contains(after, r) {
			fmt.Fprintf(w, "%s- %v\n", indent, r)
			same = false
		}
	}
	for _, r := range after {
		if !slices.Contains(before, r) {
			fmt.Fprintf(w, "%s+ %v\n", indent, r)
			same = false
		}
	}
	if same {
		fmt.Fprintf(w, "%stable %d unchanged (%d route(s))\n", indent, table, len(after))
	}
}
