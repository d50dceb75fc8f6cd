package main

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/internal/prog"
)

// options are the parsed flags.
type options struct {
	prog.Options
	pools             []netip.Prefix
	namespace         string
	leaderElect       bool
	leaseNamespace    string
	leaseName         string
	identity          string
	releaseOnNotFound bool
	qps               float64
	burst             int
}

// prefixes is a repeatable --pool flag.
type prefixes []netip.Prefix

func (p *prefixes) String() string {
	s := make([]string, len(*p))
	for i, x := range *p {
		s[i] = x.String()
	}
	return strings.Join(s, ",")
}

// Set parses one prefix. A single-address prefix (/32, /128) is refused:
// as a pool it holds one GlobalIP's address at most, and it is far more
// often an address typed where its prefix was meant.
func (p *prefixes) Set(v string) error {
	x, err := netip.ParsePrefix(v)
	if err != nil {
		return err
	}
	if x.Masked() != x {
		return fmt.Errorf("%s has host bits set; did you mean %s?", v, x.Masked())
	}
	if x.IsSingleIP() {
		return fmt.Errorf("%s is a single address, not a pool; give its prefix (a /31 or a /127 holds two)", v)
	}
	*p = append(*p, x)
	return nil
}

// parseFlags parses args; its errors wrap prog.ErrUsage, or are
// flag.ErrHelp. Help and the flag package's complaints go to w.
func parseFlags(args []string, w io.Writer) (options, error) {
	hostname, _ := os.Hostname()
	var o options
	fs := flag.NewFlagSet("globalnet", flag.ContinueOnError)
	o.Bind(fs)
	fs.Var((*prefixes)(&o.pools), "pool", "a prefix to allocate from (CIDR); repeat for several (required)")
	fs.StringVar(&o.namespace, "namespace", "", "watch only this namespace's GlobalIPs (default: all)")
	fs.BoolVar(&o.leaderElect, "leader-elect", true, "stand for election on a Lease and allocate only while leading; false runs a single replica without a Lease")
	fs.StringVar(&o.leaseNamespace, "lease-namespace", "default", "namespace of the leader-election Lease")
	fs.StringVar(&o.leaseName, "lease-name", "meshstate-ipam", "name of the leader-election Lease")
	fs.StringVar(&o.identity, "identity", hostname, "this replica's name in the Lease")
	fs.BoolVar(&o.releaseOnNotFound, "release-on-not-found", false, "reallocate when an internal Service is confirmed gone")
	fs.Float64Var(&o.qps, "qps", 100, "API requests per second, sustained")
	fs.IntVar(&o.burst, "burst", 200, "API requests in a burst")
	fs.StringVar(&o.MetricsAddr, "metrics-addr", prog.DefaultMetricsAddr, "deprecated: use --metrics-bind-address")
	if err := o.ParseChecked(fs, args, w, "globalnet --pool CIDR [--pool CIDR ...] [flags]",
		"Allocates the addresses of GlobalIPs (meshstate.io/v1alpha1) from the pools."); err != nil {
		return o, err
	}
	switch {
	case len(o.pools) == 0:
		return o, fmt.Errorf("%w: at least one --pool is required", prog.ErrUsage)
	case o.leaderElect && o.identity == "":
		return o, fmt.Errorf("%w: --identity is required (the hostname is unknown)", prog.ErrUsage)
	case o.qps <= 0 || o.burst <= 0:
		return o, fmt.Errorf("%w: --qps and --burst must be positive", prog.ErrUsage)
	}
	// The allocator's own checks: overlapping prefixes, a pool too large,
	// IPv4-mapped prefixes.
	if _, err := ipam.NewPool(o.pools...); err != nil {
		return o, fmt.Errorf("%w: --pool: %w", prog.ErrUsage, err)
	}
	return o, nil
}
