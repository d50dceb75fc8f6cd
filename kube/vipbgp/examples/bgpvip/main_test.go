package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/meshstate/meshstate/kube/internal/prog"
	"github.com/meshstate/meshstate/kube/internal/progtest"
	"github.com/meshstate/meshstate/kube/vipbgp"
)

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
		code, out := progtest.Exit(t, bin, c.args...)
		if code != c.code || !strings.Contains(out, c.says) {
			t.Errorf("bgpvip %q: exit %d, want %d, saying %q:\n%s", c.args, code, c.code, c.says, out)
		}
	}
}
