package main

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/internal/testenv"
	"github.com/meshstate/meshstate/routes"
)

var netipEqual = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})

// TestRun runs the program against the kernel and checks what it dumped
// from table 150, not only what it printed.
func TestRun(t *testing.T) {
	testenv.RequireRoot(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	res, err := demo(ctx, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("demo: %v", err)
	}

	if res.CNI.Interface != cniLink || res.CNI.Address != cniAddr {
		t.Errorf("discovered %+v, want %s with %s", res.CNI, cniLink, cniAddr)
	}
	// Written out rather than derived from the program's own constants.
	want := []routes.Route{
		{Dst: netip.MustParsePrefix("10.245.0.0/16"), Gateway: netip.MustParseAddr("169.254.100.2"), LinkIndex: res.VethIndex,
			Src: netip.MustParseAddr("10.244.0.1"), Table: 150, Protocol: 250},
		{Dst: netip.MustParsePrefix("100.65.0.0/16"), Gateway: netip.MustParseAddr("169.254.100.2"), LinkIndex: res.VethIndex,
			Src: netip.MustParseAddr("10.244.0.1"), Table: 150, Protocol: 250},
	}
	if res.VethIndex <= 0 {
		t.Errorf("veth index %d", res.VethIndex)
	}
	for name, got := range map[string][]routes.Route{
		"after the stale endpoint's deletion": res.AfterStale,
		"after the third party's flush":       res.Restored,
		"at the end":                          res.Final,
	} {
		if d := cmp.Diff(want, got, netipEqual); d != "" {
			t.Errorf("table 150 %s (-want +got):\n%s", name, d)
		}
	}
	wantRules := []routes.Rule{{Priority: routes.DefaultRulePriority, Table: 150, Protocol: 250}}
	if d := cmp.Diff(wantRules, res.Rules, netipEqual); d != "" {
		t.Errorf("rules of table 150 (-want +got):\n%s", d)
	}
	if !res.ok() {
		t.Error("result not ok")
	}

	text := out.String()
	for _, s := range []string{
		"cni: Discovered vxlan-cni",
		"CNI interface: vxlan-cni",
		"endpoint: RemoteEndpointCreated east-gw-1",
		"endpoint: RemoteEndpointCreated east-gw-2",
		"endpoint: StaleRemoteEndpointRemoved east-gw-1",
		"restored: 10.245.0.0/16 table 150 proto 250 via 169.254.100.2",
		"restored: 100.65.0.0/16 table 150 proto 250 via 169.254.100.2",
		"ok: ",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if strings.Contains(text, "endpoint: RemoteEndpointRemoved") {
		t.Error("a route handler was told to remove east's routes")
	}
}

// TestRunCancelled checks that a cancelled run fails without leaking
// goroutines or namespaces.
func TestRunCancelled(t *testing.T) {
	testenv.RequireRoot(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, new(bytes.Buffer)); err == nil {
		t.Fatal("run with a cancelled context succeeded")
	}
}
