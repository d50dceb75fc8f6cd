package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/internal/prog"
	"github.com/meshstate/meshstate/kube/internal/progtest"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

// TestMain runs the tests in a network namespace of their own, as root
// (vipbgptest.Main), where TestProgram's peer lives; as any other user
// they run here, and TestProgram skips.
func TestMain(m *testing.M) { os.Exit(vipbgptest.Main(m)) }

// with is the flags every case below needs, unless it tests their
// absence, followed by extra.
func with(extra ...string) []string {
	base := []string{"--asn", "64512", "--router-id", "192.0.2.10", "--peer", "192.0.2.1:64500", "--node-name", "node-a"}
	return append(base, extra...)
}

func TestFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--router-id", "192.0.2.10", "--peer", "192.0.2.1:64500"}, "--asn is required"},
		{[]string{"--asn", "64512", "--router-id", "192.0.2.10"}, "at least one --peer"},
		{[]string{"--asn", "64512", "--peer", "192.0.2.1:64500"}, "--router-id is required"},
		{with("--asn", "0"), "reserved"},
		{with("--asn", "4294967296"), "flag -asn"},
		{with("--asn", "65536.1"), "two 16-bit numbers"},
		{with("--asn", "x"), "flag -asn"},
		{with("--router-id", "2001:db8::1"), "not an IPv4 address"},
		{with("--router-id", "0.0.0.0"), "not a unicast address"},
		{with("--peer", "192.0.2.2"), "no ASN"},
		{with("--peer", "192.0.2.2:"), "ASN"},
		{with("--peer", "192.0.2.2:0"), "reserved"},
		{with("--peer", "192.0.2.2:x"), "ASN"},
		{with("--peer", "192.0.2.2:64500:"), "empty password"},
		{with("--peer", "peer.example:64500"), "address"},
		{with("--peer", "2001:db8::1:64500"), "brackets"},
		{with("--peer", "[2001:db8::1:64500"), "no ]"},
		{with("--peer", "[2001:db8::1]64500"), "[ADDRESS]:ASN"},
		{with("--peer", "[::ffff:192.0.2.2]:64500"), "IPv4-mapped"},
		{with("--peer", "[fe80::1%eth0]:64500"), "zone"},
		{with("--peer", "224.0.0.5:64500"), "not a unicast address"},
		{with("--peer", "192.0.2.1:64501"), "given twice"},
		{with("--peer-port", "0"), "--peer-port"},
		{with("--peer-port", "65536"), "--peer-port"},
		{with("--peer-multihop-ttl", "1"), "--peer-multihop-ttl"},
		{with("--peer-multihop-ttl", "256"), "--peer-multihop-ttl"},
		{with("--next-hop", "2001:db8::1"), "not an IPv4 address"},
		{with("--next-hop-v6", "192.0.2.10"), "not an IPv6 address"},
		{with("--next-hop-v6", "::ffff:192.0.2.10"), "not an IPv6 address"},
		{with("--bgp-listen-port", "-1"), "--bgp-listen-port"},
		{with("--bgp-listen-port", "65536"), "--bgp-listen-port"},
		{with("--graceful-restart-time", "-1s"), "--graceful-restart-time"},
		{with("--graceful-restart-time", "4096s"), "--graceful-restart-time"},
		{with("--graceful-restart-time", "1500ms"), "whole seconds"},
		{with("--community", ""), "flag -community"},
		{with("--node-name", ""), "--node-name"},
		{with("--node-name", "Not A Node"), "--node-name"},
		{with("stray"), "unexpected arguments"},
		{with("--no-such-flag"), "not defined"},
		{with("--log-format", "yaml"), "--log-format"},
		{with("--metrics-bind-address", ":8443", "--metrics-secure=false"), "loopback"},
	} {
		_, err := parseFlags(c.args, io.Discard)
		if !errors.Is(err, prog.ErrUsage) || prog.ExitCode(err) != prog.ExitUsage || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: %v, want a usage error saying %q", c.args, err, c.says)
		}
	}
}

func TestFlagsAccepted(t *testing.T) {
	o, err := parseFlags(with(
		"--peer", "[2001:db8::1]:1.10:s3cr:t",
		"-peer", "198.51.100.7:64501:pw",
		"--peer-port", "1179", "--peer-multihop-ttl", "3",
		"--next-hop", "192.0.2.10", "--next-hop-v6", "2001:db8::10",
		"--community", "64512:100", "--community", "64512:200",
		"--bgp-listen-port", "179", "--graceful-restart-time", "90s",
		"--namespace", "lb", "--metrics-bind-address", "0"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []vipbgp.Peer{
		{Address: netip.MustParseAddr("192.0.2.1"), ASN: 64500, Port: 1179, MultihopTTL: 3},
		{Address: netip.MustParseAddr("2001:db8::1"), ASN: 1<<16 | 10, Port: 1179, MultihopTTL: 3, Password: "s3cr:t"},
		{Address: netip.MustParseAddr("198.51.100.7"), ASN: 64501, Port: 1179, MultihopTTL: 3, Password: "pw"},
	}
	b := o.bgp
	if len(b.Peers) != len(want) {
		t.Fatalf("peers %+v, want %+v", b.Peers, want)
	}
	for i := range want {
		if b.Peers[i] != want[i] {
			t.Errorf("peer %d: %+v, want %+v", i, b.Peers[i], want[i])
		}
	}
	if b.ASN != 64512 || b.RouterID != netip.MustParseAddr("192.0.2.10") ||
		b.NextHop != netip.MustParseAddr("192.0.2.10") || b.NextHopV6 != netip.MustParseAddr("2001:db8::10") ||
		strings.Join(b.Communities, " ") != "64512:100 64512:200" || b.ListenPort != 179 ||
		b.GracefulRestart != (vipbgp.GracefulRestart{Enabled: true, RestartTime: 90 * time.Second}) ||
		o.namespace != "lb" || o.nodeName != "node-a" || o.MetricsAddr != "0" || o.ProbeAddr != prog.DefaultProbeAddr {
		t.Errorf("parsed %+v", o)
	}

	// Defaults: the router ID from --next-hop, no listening, no graceful
	// restart, directly connected peers on port 179.
	o, err = parseFlags([]string{"--asn", "64512", "--next-hop", "192.0.2.11", "--peer", "192.0.2.1:64500", "--node-name", "n"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	b = o.bgp
	if b.RouterID != netip.MustParseAddr("192.0.2.11") || b.ListenPort != 0 || b.GracefulRestart.Enabled ||
		b.Peers[0].Port != 179 || b.Peers[0].MultihopTTL != 0 || b.Peers[0].Password != "" {
		t.Errorf("defaults: %+v", b)
	}
	o, err = parseFlags(with("--graceful-restart-time", "0"), io.Discard)
	if err != nil || o.bgp.GracefulRestart.Enabled {
		t.Errorf("--graceful-restart-time 0: %+v, %v", o.bgp.GracefulRestart, err)
	}
	o, err = parseFlags(with("--graceful-restart-time", "4095s"), io.Discard)
	if err != nil || o.bgp.GracefulRestart != (vipbgp.GracefulRestart{Enabled: true, RestartTime: vipbgp.MaxRestartTime}) {
		t.Errorf("--graceful-restart-time 4095s: %+v, %v", o.bgp.GracefulRestart, err)
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// What vipbgp itself refuses is a usage error too, found before any
// connection to the API server is tried.
func TestSpeakerConfigRefused(t *testing.T) {
	p := program{routeKlog: func(logr.Logger, int) {}, logs: &bytes.Buffer{}}
	err := p.run(context.Background(), with("--community", "not-a-community", "--kubeconfig", "/nonexistent"))
	if !errors.Is(err, prog.ErrUsage) {
		t.Errorf("a community vipbgp cannot parse: %v, want a usage error", err)
	}
	err = p.run(context.Background(), with("--kubeconfig", "/nonexistent", "--metrics-bind-address", "0", "--health-probe-bind-address", "0"))
	if err == nil || errors.Is(err, prog.ErrUsage) || !strings.Contains(err.Error(), "/nonexistent") {
		t.Errorf("a missing kubeconfig: %v, want a runtime error naming it", err)
	}
}

// The binary's exit codes: 0 for help, 2 for bad usage, 1 for a failure
// at run time.
func TestExitCodes(t *testing.T) {
	bin := progtest.Build(t)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"-h"}, 0, "--peer ADDRESS:ASN[:PASSWORD]"},
		{[]string{"--help"}, 0, "Exit status"},
		{[]string{"--no-such-flag"}, 2, "not defined"},
		{[]string{"--peer", "192.0.2.1:64500"}, 2, "--asn is required"},
		{with("--peer", "2001:db8::1:64500"), 2, "brackets"},
		{with("--kubeconfig", "/nonexistent/kubeconfig", "--metrics-bind-address", "0", "--health-probe-bind-address", "0"), 1, "kubeconfig"},
	} {
		progtest.ExpectExit(t, bin, c.code, c.says, c.args...)
	}
}

// The program against a real API server and a real BGP peer: a
// LoadBalancer Service with a ready endpoint on this node, its slice
// created first, reaches the peer's table; the peer's session state
// changes are logged; /readyz answers 200 and the adapter's metrics are
// served; interrupting it stops it cleanly, leaving no goroutine behind.
func TestProgram(t *testing.T) {
	vipbgptest.RequireRoot(t)
	env := kubetest.Own(t) // not kubetest.Shared: vipbgptest.Main, not kubetest.Main, runs the tests
	ns := env.Namespace(t)
	cs := kubernetes.NewForConfigOrDie(env.Config)
	ctx := context.Background()
	ready, node, no := true, "node-a", false
	if _, err := cs.DiscoveryV1().EndpointSlices(ns).Create(ctx, &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "web-abc12", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.244.0.5"},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready}, NodeName: &node}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Services(ns).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerIP: "198.51.100.10", AllocateLoadBalancerNodePorts: &no,
			Ports: []corev1.ServicePort{{Port: 80}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	kubeconfig := progtest.WriteKubeconfig(t, env.Config)

	defer goleak.VerifyNone(t, append([]goleak.Option{goleak.IgnoreCurrent()}, kubetest.LeakOptions()...)...)
	var logs kubetest.SyncBuffer
	p := program{routeKlog: func(logr.Logger, int) {}, logs: &logs}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- p.run(runCtx, []string{"--kubeconfig", kubeconfig, "--namespace", ns, "--node-name", node,
			"--asn", "65000", "--router-id", peer.LocalAddress().String(),
			"--peer", fmt.Sprintf("%v:%d", peer.Address(), peer.ASN()), "--community", "65000:100",
			"--log-format", "json", "--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address", "127.0.0.1:0"})
	}()
	vip := netip.MustParsePrefix("198.51.100.10/32")
	peer.WaitRIB(t, 30*time.Second, []netip.Prefix{vip})
	routes, err := peer.RIB()
	if err != nil || len(routes) != 1 || routes[0].NextHop != peer.LocalAddress() || strings.Join(routes[0].Communities, " ") != "65000:100" {
		t.Errorf("the peer's table: %+v, %v; want %v via %v with community 65000:100", routes, err, vip, peer.LocalAddress())
	}
	probes := "http://" + progtest.Address(t, &logs, "serving health probes")
	if code, body := progtest.Get(t, probes+"/readyz"); code != 200 {
		t.Errorf("/readyz once synced: %d %s", code, body)
	}
	metrics := "http://" + progtest.Address(t, &logs, "serving metrics")
	if code, body := progtest.Get(t, metrics+"/metrics"); code != 200 || !strings.Contains(body, "meshstate_vip_synced 1") {
		t.Errorf("metrics: %d, no meshstate_vip_synced 1", code)
	}
	kubetest.WaitFor(t, 10*time.Second, "the session's establishment logged", func() bool {
		for _, l := range progtest.Lines(t, logs.String()) {
			if l["msg"] == "peer session state" && l["to"] == string(vipbgp.StateEstablished) && l["peer"] == peer.Address().String() {
				return true
			}
		}
		return false
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the program did not stop within 30s of its context ending")
	}
	var states []string
	for _, l := range progtest.Lines(t, logs.String()) {
		if l["msg"] == "peer session state" {
			states = append(states, fmt.Sprintf("%v->%v", l["from"], l["to"]))
		}
	}
	t.Logf("peer session states logged: %v", states)
}
