package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/mcskube"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// runner is an adapter.
type runner interface{ Run(context.Context) error }

// controller is the adapters the flags asked for.
type controller struct {
	log     logr.Logger
	runners []runner
	traces  []io.Closer
}

func newController(o options, out, logs io.Writer) (*controller, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	kc, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	c := &controller{log: funcr.New(func(prefix, args string) { fmt.Fprintln(logs, prefix, args) },
		funcr.Options{Verbosity: o.verbosity})}
	trace := func(side string) (io.Writer, error) {
		if o.trace == "" {
			return nil, nil
		}
		f, err := os.Create(o.trace + "." + side)
		if err != nil {
			return nil, err
		}
		c.traces = append(c.traces, f)
		return f, nil
	}
	if o.vips {
		tw, err := trace("vips")
		if err != nil {
			c.close()
			return nil, err
		}
		a, err := vipkube.New(vipkube.Config{Client: kc, Namespace: o.namespace,
			Machine: vip.Config{NodeName: o.nodeName}, Announcer: &printAnnouncer{out: out},
			Log: c.log.WithName("vips"), Trace: tw})
		if err != nil {
			c.close()
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		c.runners = append(c.runners, a)
	}
	if o.exports {
		mc, err := mcsclient.NewForConfig(cfg)
		if err != nil {
			c.close()
			return nil, err
		}
		tw, err := trace("exports")
		if err != nil {
			c.close()
			return nil, err
		}
		a, err := mcskube.New(mcskube.Config{Client: kc, MCS: mc, Namespace: o.namespace,
			Machine: mcs.Config{ClusterID: o.clusterID}, Log: c.log.WithName("exports"), Trace: tw})
		if err != nil {
			c.close()
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		c.runners = append(c.runners, a)
	}
	return c, nil
}

// run runs the adapters until ctx is done, or until one cannot start,
// which stops the other; it returns once both have returned.
func (c *controller) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(c.runners))
	for i, r := range c.runners {
		wg.Go(func() {
			if errs[i] = r.Run(ctx); errs[i] != nil {
				cancel()
			}
		})
	}
	c.log.Info("running", "adapters", len(c.runners))
	wg.Wait()
	return errors.Join(errs...)
}

// close closes the trace files.
func (c *controller) close() {
	for _, t := range c.traces {
		if err := t.Close(); err != nil {
			c.log.Error(err, "closing trace")
		}
	}
}
