package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/internal/prog"
)

// options are the parsed flags.
type options struct {
	prog.Options
	clusterID, nodeName, namespace, trace string
	vips, exports                         bool
}

// parseFlags parses args; its errors wrap prog.ErrUsage, or are
// flag.ErrHelp. Help and the flag package's complaints go to w.
func parseFlags(args []string, w io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("servicediscovery", flag.ContinueOnError)
	o.Bind(fs)
	fs.StringVar(&o.clusterID, "cluster-id", "", "this cluster's ID, a DNS label (required with --exports)")
	fs.StringVar(&o.nodeName, "node-name", defaultNodeName(), "this node's name, for externalTrafficPolicy Local; defaults to $NODE_NAME, else the hostname")
	fs.StringVar(&o.namespace, "namespace", "", "watch one namespace only (default: all)")
	fs.BoolVar(&o.vips, "vips", true, "run the VIP side (vipkube)")
	fs.BoolVar(&o.exports, "exports", true, "run the export side (mcskube); needs the MCS CRDs")
	fs.StringVar(&o.trace, "trace", "", "record every event fed to the machines in this file (.vips and .exports), as JSON lines")
	if err := o.ParseChecked(fs, args, w, "servicediscovery --cluster-id ID [flags]",
		"Announces load-balancer VIPs (vipkube) and writes this cluster's ServiceImports (mcskube)."); err != nil {
		return o, err
	}
	switch {
	case !o.vips && !o.exports:
		return o, fmt.Errorf("%w: --vips=false and --exports=false leave nothing to run", prog.ErrUsage)
	case o.exports && o.clusterID == "":
		return o, fmt.Errorf("%w: --cluster-id is required with --exports", prog.ErrUsage)
	case o.vips && o.nodeName == "":
		return o, fmt.Errorf("%w: --node-name is required with --vips", prog.ErrUsage)
	}
	// The machines' own checks: a cluster ID must be a DNS label.
	if o.exports {
		if _, err := mcs.New(mcs.Config{ClusterID: o.clusterID}); err != nil {
			return o, fmt.Errorf("%w: --cluster-id: %w", prog.ErrUsage, err)
		}
	}
	if o.vips {
		if _, err := vip.New(vip.Config{NodeName: o.nodeName}); err != nil {
			return o, fmt.Errorf("%w: --node-name: %w", prog.ErrUsage, err)
		}
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
