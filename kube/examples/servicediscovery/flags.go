package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// errUsage wraps the errors of bad flags.
var errUsage = errors.New("usage")

// options are the parsed flags.
type options struct {
	kubeconfig, clusterID, nodeName, namespace, trace string
	vips, exports                                     bool
	verbosity                                         int
}

func parseFlags(args []string, logs io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("servicediscovery", flag.ContinueOnError)
	fs.SetOutput(logs)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)")
	fs.StringVar(&o.clusterID, "cluster-id", "", "this cluster's ID, a DNS label (required with -exports)")
	fs.StringVar(&o.nodeName, "node-name", defaultNodeName(), "this node's name, for externalTrafficPolicy Local")
	fs.StringVar(&o.namespace, "namespace", "", "watch one namespace only (default: all)")
	fs.BoolVar(&o.vips, "vips", true, "run the VIP side (vipkube)")
	fs.BoolVar(&o.exports, "exports", true, "run the export side (mcskube)")
	fs.StringVar(&o.trace, "trace", "", "record every event fed to the machines in this file, as JSON lines")
	fs.IntVar(&o.verbosity, "v", 0, "log verbosity (1 logs every decision applied)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, fmt.Errorf("%w: %w", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	case !o.vips && !o.exports:
		return o, fmt.Errorf("%w: -vips=false and -exports=false leave nothing to run", errUsage)
	case o.exports && o.clusterID == "":
		return o, fmt.Errorf("%w: -cluster-id is required with -exports", errUsage)
	case o.vips && o.nodeName == "":
		return o, fmt.Errorf("%w: -node-name is required with -vips", errUsage)
	}
	return o, nil
}

// defaultNodeName is $NODE_NAME (the downward API's usual variable), or
// the hostname.
func defaultNodeName() string {
	if n := os.Getenv("NODE_NAME"); n != "" {
		return n
	}
	h, _ := os.Hostname()
	return h
}
