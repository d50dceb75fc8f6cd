package vipkube

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/adaptercore"
	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// Sources of the VIP adapter's items.
const (
	srcServices = "services"
	srcSlices   = "endpointslices"
)

// Config configures an Adapter.
type Config struct {
	// Client lists and watches Services and EndpointSlices.
	Client kubernetes.Interface
	// Namespace limits the informers to one namespace; empty means all.
	Namespace string
	// Machine configures the VIP machine: this node's name, and the VIPs
	// announced before a restart if the Announcer cannot find them itself.
	Machine vip.Config
	// AddressAnnotations are the Service annotations that may hold its
	// load-balancer addresses, comma-separated; the first one present on a
	// Service is read, and it takes precedence over status and
	// spec.loadBalancerIP (see vip.ServiceAddresses.VIPs). Nil means
	// vip.DefaultAddressAnnotation (kube-vip's); an empty, non-nil
	// list reads no annotation.
	AddressAnnotations []string
	// Announcer receives the decisions. It may implement Committer.
	Announcer Announcer
	// Log receives the adapter's lifecycle (start, caches synced, stop),
	// failures (a list or watch failure once, not on every retry),
	// rejections and, at V(1), each decision; the zero Logger discards.
	Log logr.Logger
	// Trace, if set, receives every event fed to the machine as a JSON
	// line (vip.UnmarshalEvent reads them back).
	Trace io.Writer
}

// Adapter feeds a vip.Machine from Service and EndpointSlice
// informers and applies its effects through an Announcer. Both informers
// push onto one queue, and one goroutine steps the machine, so slices that
// arrive before their Service are kept, and the whole desired set is
// announced in one batch once both informers have synced (incident 004).
type Adapter struct {
	core *adaptercore.Core
	cfg  Config
	m    *vip.Machine
	// annotations are the address annotation keys, defaults applied.
	annotations []string
	// Loop state: the effects of the current batch, the outcomes of its
	// writes for the machine, the writes that did not come back Done (to
	// log with their retry), the retry timers, and whether a Commit is
	// owed.
	batch     []vip.Effect
	outcomes  []vip.Event
	failures  map[vipRetry]*adapter.WriteError
	timers    *loop.Timers[vipRetry]
	committed bool
	recommit  bool
}

// vipRetry is the key of a VIP machine's retry timer.
type vipRetry struct {
	kind vip.RetryKind
	vip  netip.Addr
}

// New validates cfg and returns an adapter; Run starts it.
func New(cfg Config) (*Adapter, error) {
	switch {
	case cfg.Client == nil:
		return nil, fmt.Errorf("vipkube: %w: no Client", adapter.ErrInvalidConfig)
	case cfg.Announcer == nil:
		return nil, fmt.Errorf("vipkube: %w: no Announcer", adapter.ErrInvalidConfig)
	}
	m, err := vip.New(cfg.Machine)
	if err != nil {
		return nil, fmt.Errorf("vipkube: %w: %w", adapter.ErrInvalidConfig, err)
	}
	annotations := cfg.AddressAnnotations
	if annotations == nil {
		annotations = []string{vip.DefaultAddressAnnotation}
	}
	for i, k := range annotations {
		// A key the API would refuse can never be present: a typo, which
		// would silently read nothing.
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			return nil, fmt.Errorf("vipkube: %w: AddressAnnotations[%d] %q: %s", adapter.ErrInvalidConfig, i, k, strings.Join(errs, "; "))
		}
	}
	return &Adapter{core: adaptercore.New("vipkube", cfg.Log, cfg.Trace), cfg: cfg, m: m,
		failures: map[vipRetry]*adapter.WriteError{}, annotations: slices.Clone(annotations)}, nil
}

// Run watches Services and EndpointSlices and announces until ctx is done,
// then returns nil once its informers, its loop and its retry timers have
// stopped. Each call's outcome goes back to the machine, which schedules
// the retries; a due retry asks the machine again. It returns an error
// only if it could not start; a list or watch that fails (even Forbidden)
// is logged, kept in Status and retried. An adapter runs once: a second
// Run returns an error wrapping adapter.ErrStarted.
func (a *Adapter) Run(ctx context.Context) error {
	f := informers.NewSharedInformerFactoryWithOptions(a.cfg.Client, 0, informers.WithNamespace(a.cfg.Namespace))
	srcs := []loop.Source{
		{Name: srcServices, Informer: f.Core().V1().Services().Informer()},
		{Name: srcSlices, Informer: f.Discovery().V1().EndpointSlices().Informer()},
	}
	setup := func(q *informer.Queue) func() {
		a.timers = loop.NewTimers[vipRetry](q, adaptercore.TimerSource, nil)
		return a.timers.Stop
	}
	return a.core.Run(ctx, srcs, []loop.Factory{f}, setup, a.handle, a.flush)
}

// Status returns a snapshot of the adapter's progress.
func (a *Adapter) Status() adapter.Status { return a.core.Status() }

// Collector returns a Prometheus collector of the adapter's progress and
// failures, for the caller to register with its own registry (the adapter
// registers nothing globally):
//
//	meshstate_vip_synced                                 1 once both informers have synced
//	meshstate_vip_events_total                           events fed to the machine
//	meshstate_vip_events_rejected_total                  of which the machine refused
//	meshstate_vip_objects_skipped_total                  objects that did not convert
//	meshstate_vip_retries_pending                        retry timers armed
//	meshstate_vip_watch_errors_total{source,class}       list and watch failures
//	meshstate_vip_write_errors_total{op,outcome,class}   announcer calls that did not come back Done
func (a *Adapter) Collector() prometheus.Collector { return a.core.Collector("vip") }
