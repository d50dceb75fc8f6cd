package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/prog"
	"github.com/meshstate/meshstate/kube/mcskube"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// side is one adapter the flags asked for.
type side struct {
	name      string // "vips" or "exports"
	run       func(context.Context) error
	status    func() adapter.Status
	collector prometheus.Collector
}

// controller is the adapters the flags asked for.
type controller struct {
	log    logr.Logger
	sides  []side
	traces []io.Closer
}

func newController(o options, rc *rest.Config, out io.Writer, log logr.Logger) (*controller, error) {
	kc, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, err
	}
	c := &controller{log: log}
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
			Log: log.WithName("vips"), Trace: tw})
		if err != nil {
			c.close()
			return nil, fmt.Errorf("%w: %w", prog.ErrUsage, err)
		}
		c.sides = append(c.sides, side{"vips", a.Run, a.Status, a.Collector()})
	}
	if o.exports {
		mc, err := mcsclient.NewForConfig(rc)
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
			Machine: mcs.Config{ClusterID: o.clusterID}, Log: log.WithName("exports"), Trace: tw})
		if err != nil {
			c.close()
			return nil, fmt.Errorf("%w: %w", prog.ErrUsage, err)
		}
		c.sides = append(c.sides, side{"exports", a.Run, a.Status, a.Collector()})
	}
	return c, nil
}

// collectors are the adapters' metrics.
func (c *controller) collectors() []prometheus.Collector {
	var cs []prometheus.Collector
	for _, s := range c.sides {
		cs = append(cs, s.collector)
	}
	return cs
}

// ready is /readyz: ready once every adapter's informers have synced (so
// that its machine decides), else why not.
func (c *controller) ready() error {
	var waiting []string
	for _, s := range c.sides {
		if st := s.status(); !st.Synced {
			msg := s.name
			if st.LastError != nil {
				msg += " (last error: " + st.LastError.Error() + ")"
			}
			waiting = append(waiting, msg)
		}
	}
	if len(waiting) > 0 {
		return fmt.Errorf("informers not synced: %s", strings.Join(waiting, "; "))
	}
	return nil
}

// run runs the adapters until ctx is done, or until one cannot start,
// which stops the other; it returns once both have returned.
func (c *controller) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(c.sides))
	for i, s := range c.sides {
		wg.Go(func() {
			if errs[i] = s.run(ctx); errs[i] != nil {
				cancel()
			}
		})
	}
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
