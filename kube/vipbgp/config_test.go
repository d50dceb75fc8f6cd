package vipbgp_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/kube/vipbgp"
)

// good is a valid config without a live peer.
func good() vipbgp.Config {
	return vipbgp.Config{
		ASN:      65000,
		RouterID: netip.MustParseAddr("192.0.2.1"),
		Peers:    []vipbgp.Peer{{Address: netip.MustParseAddr("192.0.2.254"), ASN: 65001}},
	}
}

// New refuses each invalid field with a *ConfigError naming it, which
// wraps ErrInvalidConfig, and returns no announcer: nothing is started,
// so nothing can have been announced half-way.
func TestNewRefusesInvalidConfig(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		field string
		edit  func(*vipbgp.Config)
	}{
		{"ASN", func(c *vipbgp.Config) { c.ASN = 0 }},
		{"RouterID", func(c *vipbgp.Config) { c.RouterID = netip.Addr{} }},
		{"RouterID", func(c *vipbgp.Config) { c.RouterID = netip.MustParseAddr("2001:db8::1") }},
		{"RouterID", func(c *vipbgp.Config) { c.RouterID = netip.MustParseAddr("0.0.0.0") }},
		{"ListenPort", func(c *vipbgp.Config) { c.ListenPort = -1 }},
		{"ListenPort", func(c *vipbgp.Config) { c.ListenPort = 65536 }},
		{"Peers", func(c *vipbgp.Config) { c.Peers = nil }},
		{"Peers[0].Address", func(c *vipbgp.Config) { c.Peers[0].Address = netip.Addr{} }},
		{"Peers[0].Address", func(c *vipbgp.Config) { c.Peers[0].Address = netip.MustParseAddr("::") }},
		{"Peers[0].Address", func(c *vipbgp.Config) { c.Peers[0].Address = netip.MustParseAddr("fe80::1%eth0") }},
		{"Peers[0].Address", func(c *vipbgp.Config) { c.Peers[0].Address = netip.MustParseAddr("224.0.0.5") }},
		{"Peers[1].Address", func(c *vipbgp.Config) { c.Peers = append(c.Peers, c.Peers[0]) }},
		{"Peers[0].ASN", func(c *vipbgp.Config) { c.Peers[0].ASN = 0 }},
		{"Peers[0].Password", func(c *vipbgp.Config) { c.Peers[0].Password = strings.Repeat("x", 81) }},
		{"Peers[0].Password", func(c *vipbgp.Config) { c.Peers[0].Password = "a\x00b" }},
		{"NextHop", func(c *vipbgp.Config) { c.NextHop = netip.MustParseAddr("2001:db8::1") }},
		{"NextHop", func(c *vipbgp.Config) { c.NextHop = netip.MustParseAddr("0.0.0.0") }},
		{"NextHopV6", func(c *vipbgp.Config) { c.NextHopV6 = netip.MustParseAddr("192.0.2.1") }},
		{"NextHopV6", func(c *vipbgp.Config) { c.NextHopV6 = netip.MustParseAddr("::ffff:192.0.2.1") }},
		{"Communities[1]", func(c *vipbgp.Config) { c.Communities = []string{"65000:1", "65000"} }},
		{"Communities[0]", func(c *vipbgp.Config) { c.Communities = []string{"70000:1"} }},
		{"Communities[0]", func(c *vipbgp.Config) { c.Communities = []string{"1:x"} }},
		{"GracefulRestart.RestartTime", func(c *vipbgp.Config) { c.GracefulRestart.RestartTime = 4096 * time.Second }},
		{"GracefulRestart.RestartTime", func(c *vipbgp.Config) { c.GracefulRestart.RestartTime = -time.Second }},
		{"GracefulRestart.RestartTime", func(c *vipbgp.Config) { c.GracefulRestart.RestartTime = 1500 * time.Millisecond }},
	} {
		cfg := good()
		cfg.Peers = slices.Clone(cfg.Peers)
		tc.edit(&cfg)
		a, err := vipbgp.New(cfg)
		var ce *vipbgp.ConfigError
		if a != nil || !errors.Is(err, vipbgp.ErrInvalidConfig) || !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: New = %v, %v; want a *ConfigError for %s", tc.field, a, err, tc.field)
			continue
		}
		if !strings.HasPrefix(err.Error(), "vipbgp: ") || ce.Reason == "" {
			t.Errorf("%s: error %q", tc.field, err)
		}
	}
	cfg := good()
	cfg.GracefulRestart.RestartTime = vipbgp.MaxRestartTime
	cfg.Peers[0].Password = strings.Repeat("x", 80)
	cfg.Communities = []string{"65535:65535", "0:0"}
	if _, err := vipbgp.New(cfg); err != nil {
		t.Errorf("New of the limits: %v", err)
	}
}

// Announce refuses an address it cannot announce with a *VIPError and
// changes nothing; so does Withdraw of the zero address.
func TestAnnounceRefusesInvalidVIP(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := context.Background()
	a, err := vipbgp.New(good()) // an IPv4 peer, no NextHopV6
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Announce(ctx, netip.MustParseAddr("198.51.100.1"), nil); err != nil {
		t.Fatal(err)
	}
	for _, vip := range []netip.Addr{{}, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("127.0.0.1"),
		netip.MustParseAddr("224.0.0.1"), netip.MustParseAddr("::ffff:198.51.100.2"), netip.MustParseAddr("fe80::1"),
		netip.MustParseAddr("2001:db8::1"), // IPv6 with no NextHopV6 and no IPv6 peer
	} {
		err := a.Announce(ctx, vip, nil)
		var ve *vipbgp.VIPError
		if !errors.Is(err, vipbgp.ErrInvalidVIP) || !errors.As(err, &ve) || ve.VIP != vip {
			t.Errorf("Announce(%v) = %v, want a *VIPError", vip, err)
		}
	}
	if err := a.Withdraw(ctx, netip.Addr{}); !errors.Is(err, vipbgp.ErrInvalidVIP) {
		t.Errorf("Withdraw of the zero address = %v", err)
	}
	if got := a.Announced(); !slices.Equal(got, []netip.Addr{netip.MustParseAddr("198.51.100.1")}) {
		t.Errorf("Announced() = %v after refused calls", got)
	}
	cfg := good()
	cfg.NextHopV6 = netip.MustParseAddr("2001:db8::ff")
	b, err := vipbgp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Announce(ctx, netip.MustParseAddr("2001:db8::1"), nil); err != nil {
		t.Errorf("an IPv6 VIP with NextHopV6: %v", err)
	}
}

// Run runs once; a Run that cannot start its speaker (the listen port
// taken) returns the error, leaves no goroutine, and the announcer is
// stopped.
func TestRunOnceAndFailedStart(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cfg := good()
	cfg.ListenPort = 179
	cfg.RouterID = netip.MustParseAddr("192.0.2.1")
	a, err := vipbgp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Take the port first (as root; otherwise binding it fails anyway).
	if l, err := net.Listen("tcp4", "0.0.0.0:179"); err == nil {
		defer l.Close()
	}
	ctx := context.Background()
	if err := a.Run(ctx); err == nil || !strings.HasPrefix(err.Error(), "vipbgp: starting the speaker: ") {
		t.Errorf("Run with its port taken = %v", err)
	}
	if err := a.Run(ctx); !errors.Is(err, vipbgp.ErrStarted) {
		t.Errorf("a second Run = %v, want ErrStarted", err)
	}
	if err := a.Commit(ctx); !errors.Is(err, vipbgp.ErrStopped) {
		t.Errorf("Commit after Run = %v, want ErrStopped", err)
	}
}
