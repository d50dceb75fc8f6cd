package ipamkube_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"go.uber.org/goleak"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// New refuses unusable configurations with ErrInvalidConfig, without
// touching the network.
func TestNewRejectsBadConfig(t *testing.T) {
	good := func() ipamkube.Config {
		return ipamkube.Config{REST: &rest.Config{Host: "https://127.0.0.1:1"},
			Machine: ipam.Config{Prefixes: []netip.Prefix{pool}}}
	}
	le := func(mod func(*ipamkube.LeaderElection)) func(*ipamkube.Config) {
		return func(c *ipamkube.Config) {
			c.LeaderElection = &ipamkube.LeaderElection{Namespace: "ns", Name: "ipam", Identity: "a"}
			mod(c.LeaderElection)
		}
	}
	for name, mod := range map[string]func(*ipamkube.Config){
		"no REST":           func(c *ipamkube.Config) { c.REST = nil },
		"no prefixes":       func(c *ipamkube.Config) { c.Machine.Prefixes = nil },
		"negative workers":  func(c *ipamkube.Config) { c.Workers = -1 },
		"service addresses": func(c *ipamkube.Config) { c.ServiceAddresses = ipamkube.AnnotationOnly + 1 },
		"bad host":          func(c *ipamkube.Config) { c.REST.Host = "::not a url" },
		"no lease name":     le(func(l *ipamkube.LeaderElection) { l.Name = "" }),
		"no identity":       le(func(l *ipamkube.LeaderElection) { l.Identity = "" }),
		"renew too long":    le(func(l *ipamkube.LeaderElection) { l.RenewDeadline = 20 * time.Second }),
		"retry too long":    le(func(l *ipamkube.LeaderElection) { l.RetryPeriod = 9 * time.Second }),
	} {
		cfg := good()
		mod(&cfg)
		if _, err := ipamkube.New(cfg); !errors.Is(err, ipamkube.ErrInvalidConfig) {
			t.Errorf("%s: New returned %v, want ErrInvalidConfig", name, err)
		}
	}
	a, err := ipamkube.New(good())
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
	a, err := ipamkube.New(ipamkube.Config{REST: &rest.Config{Host: "https://127.0.0.1:1"},
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
	if err := a.Run(ctx); !errors.Is(err, ipamkube.ErrRunning) {
		t.Errorf("second Run: %v, want ErrRunning", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v, want context.Canceled", err)
	}
}
