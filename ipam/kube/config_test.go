package kube_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"go.uber.org/goleak"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/ipam/kube"
)

// New refuses unusable configurations with ErrInvalidConfig, without
// touching the network.
func TestNewRejectsBadConfig(t *testing.T) {
	good := func() kube.Config {
		return kube.Config{REST: &rest.Config{Host: "https://127.0.0.1:1"},
			Machine: ipam.Config{Prefixes: []netip.Prefix{pool}}}
	}
	le := func(mod func(*kube.LeaderElection)) func(*kube.Config) {
		return func(c *kube.Config) {
			c.LeaderElection = &kube.LeaderElection{Namespace: "ns", Name: "ipam", Identity: "a"}
			mod(c.LeaderElection)
		}
	}
	for name, mod := range map[string]func(*kube.Config){
		"no REST":          func(c *kube.Config) { c.REST = nil },
		"no prefixes":      func(c *kube.Config) { c.Machine.Prefixes = nil },
		"negative workers": func(c *kube.Config) { c.Workers = -1 },
		"bad host":         func(c *kube.Config) { c.REST.Host = "::not a url" },
		"no lease name":    le(func(l *kube.LeaderElection) { l.Name = "" }),
		"no identity":      le(func(l *kube.LeaderElection) { l.Identity = "" }),
		"renew too long":   le(func(l *kube.LeaderElection) { l.RenewDeadline = 20 * time.Second }),
		"retry too long":   le(func(l *kube.LeaderElection) { l.RetryPeriod = 9 * time.Second }),
	} {
		cfg := good()
		mod(&cfg)
		if _, err := kube.New(cfg); !errors.Is(err, kube.ErrInvalidConfig) {
			t.Errorf("%s: New returned %v, want ErrInvalidConfig", name, err)
		}
	}
	a, err := kube.New(good())
	if err != nil {
		t.Fatalf("a good config: %v", err)
	}
	if st := a.State(); st.Leading || st.Settled() {
		t.Errorf("State before Run: %+v", st)
	}
}

// A second Run while one is under way is refused, and Run leaves nothing
// running when it returns, even when the API server cannot be reached.
func TestRunTwice(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	a, err := kube.New(kube.Config{REST: &rest.Config{Host: "https://127.0.0.1:1"},
		Machine: ipam.Config{Prefixes: []netip.Prefix{pool}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	for !a.State().Leading {
		time.Sleep(time.Millisecond)
	}
	if err := a.Run(ctx); !errors.Is(err, kube.ErrRunning) {
		t.Errorf("second Run: %v, want ErrRunning", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v, want context.Canceled", err)
	}
}
