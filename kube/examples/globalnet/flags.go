package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
)

// errUsage: the flags are wrong; the flag package has said why.
var errUsage = errors.New("usage")

// options are the parsed flags.
type options struct {
	kubeconfig        string
	pools             []netip.Prefix
	namespace         string
	leaseNamespace    string
	leaseName         string
	identity          string
	releaseOnNotFound bool
	metricsAddr       string
	qps               float64
	burst             int
	verbosity         int
}

// prefixes is a repeatable -pool flag.
type prefixes []netip.Prefix

func (p *prefixes) String() string {
	s := make([]string, len(*p))
	for i, x := range *p {
		s[i] = x.String()
	}
	return strings.Join(s, ",")
}

func (p *prefixes) Set(v string) error {
	x, err := netip.ParsePrefix(v)
	if err != nil {
		return err
	}
	if x.Masked() != x {
		return fmt.Errorf("%s has host bits set; did you mean %s?", v, x.Masked())
	}
	*p = append(*p, x)
	return nil
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	hostname, _ := os.Hostname()
	o := options{}
	fs := flag.NewFlagSet("globalnet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file; empty means in-cluster (or $KUBECONFIG)")
	fs.Var((*prefixes)(&o.pools), "pool", "a prefix to allocate from (CIDR); repeat for several")
	fs.StringVar(&o.namespace, "namespace", "", "watch only this namespace's GlobalIPs (default: all)")
	fs.StringVar(&o.leaseNamespace, "lease-namespace", "default", "namespace of the leader-election Lease")
	fs.StringVar(&o.leaseName, "lease-name", "meshstate-ipam", "name of the leader-election Lease")
	fs.StringVar(&o.identity, "identity", hostname, "this replica's name in the Lease")
	fs.BoolVar(&o.releaseOnNotFound, "release-on-not-found", false, "reallocate when an internal Service is confirmed gone")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve Prometheus metrics on this address at /metrics")
	fs.Float64Var(&o.qps, "qps", 100, "API requests per second, sustained")
	fs.IntVar(&o.burst, "burst", 200, "API requests in a burst")
	fs.IntVar(&o.verbosity, "v", 0, "log verbosity")
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "globalnet: unexpected arguments %q\n", fs.Args())
		return o, errUsage
	case len(o.pools) == 0:
		fmt.Fprintln(stderr, "globalnet: at least one -pool is required")
		return o, errUsage
	case o.identity == "":
		fmt.Fprintln(stderr, "globalnet: -identity is required (the hostname is unknown)")
		return o, errUsage
	}
	return o, nil
}
