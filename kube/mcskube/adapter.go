package mcskube

import (
	"context"
	"fmt"
	"io"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	mcsv1b1 "sigs.k8s.io/mcs-api/pkg/apis/v1beta1"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"
	mcsinformers "sigs.k8s.io/mcs-api/pkg/client/informers/externalversions"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/adaptercore"
	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// Sources of the adapter's items.
const (
	srcServices = "services"
	srcExports  = "serviceexports"
	srcImports  = "serviceimports"
)

// Config configures an Adapter.
type Config struct {
	// Client lists and watches Services.
	Client kubernetes.Interface
	// MCS lists and watches ServiceExports and ServiceImports, writes this
	// cluster's ServiceImports and the exports' status.
	MCS mcsclient.Interface
	// Namespace limits the informers to one namespace; empty means all.
	Namespace string
	// Machine configures the export machine: this cluster's ID, the value
	// of the source-cluster label of the imports it owns.
	Machine mcs.Config
	// Log receives the adapter's lifecycle (start, caches synced, stop),
	// failures (a list or watch failure once, not on every retry, with
	// CRDHint if the MCS CRDs are missing), rejections and, at V(1), each
	// write; the zero Logger discards.
	Log logr.Logger
	// Trace, if set, receives every event fed to the machine as a JSON
	// line (mcs.UnmarshalEvent reads them back).
	Trace io.Writer
}

// importID is what an import is to the machine: the Service it imports
// and the cluster that owns it.
type importID struct{ namespace, name, owner string }

func idOf(imp mcs.Import) importID { return importID{imp.Namespace, imp.Name, imp.Owner} }

// Adapter feeds a mcs.Machine from ServiceExport, Service
// and ServiceImport informers, and writes this cluster's ServiceImports
// and the exports' conditions as the machine says. It writes and deletes
// only imports labelled with its cluster ID, and nothing before every
// informer has synced (incident 001).
type Adapter struct {
	core *adaptercore.Core
	cfg  Config
	m    *mcs.Machine
	// The join and write caches, updated in queue order (the informers'
	// stores run ahead of the queue): exports and their Services by
	// namespace/name, observed imports by what they import, and the
	// import each import object's key stands for.
	exports   map[string]*mcsv1b1.ServiceExport
	services  map[string]mcs.ExportService
	imports   map[importID]*mcsv1b1.ServiceImport
	importIDs map[string]importID
	synced    map[string]bool // by source
	// Loop state: the effects of the current batch, the outcomes of its
	// writes for the machine, the writes that did not come back Done (to
	// log with their retry), and the retry timers.
	batch    []mcs.Effect
	outcomes []mcs.Event
	failures map[exportRetry]*adapter.WriteError
	timers   *loop.Timers[exportRetry]
}

// exportRetry is the key of an export machine's retry timer: the kind and
// the service's (or export's) namespace and name.
type exportRetry struct {
	kind            mcs.RetryKind
	namespace, name string
}

// New validates cfg and returns an adapter; Run starts it.
func New(cfg Config) (*Adapter, error) {
	switch {
	case cfg.Client == nil:
		return nil, fmt.Errorf("mcskube: %w: no Client", adapter.ErrInvalidConfig)
	case cfg.MCS == nil:
		return nil, fmt.Errorf("mcskube: %w: no MCS client", adapter.ErrInvalidConfig)
	}
	m, err := mcs.New(cfg.Machine)
	if err != nil {
		return nil, fmt.Errorf("mcskube: %w: %w", adapter.ErrInvalidConfig, err)
	}
	core := adaptercore.New("mcskube", cfg.Log, cfg.Trace)
	core.SetHint(crdHint)
	return &Adapter{core: core, cfg: cfg, m: m,
		exports: map[string]*mcsv1b1.ServiceExport{}, services: map[string]mcs.ExportService{},
		imports: map[importID]*mcsv1b1.ServiceImport{}, importIDs: map[string]importID{},
		synced: map[string]bool{}, failures: map[exportRetry]*adapter.WriteError{}}, nil
}

// Run watches exports, Services and imports and writes imports until ctx
// is done, then returns nil once its informers, its loop and its retry
// timers have stopped. It returns an error only if it could not start; a
// list or watch that fails (even Forbidden) is logged, kept in Status and
// retried. An adapter runs once: a second Run returns an error wrapping
// adapter.ErrStarted.
func (a *Adapter) Run(ctx context.Context) error {
	kf := informers.NewSharedInformerFactoryWithOptions(a.cfg.Client, 0, informers.WithNamespace(a.cfg.Namespace))
	mf := mcsinformers.NewSharedInformerFactoryWithOptions(a.cfg.MCS, 0, mcsinformers.WithNamespace(a.cfg.Namespace))
	srcs := []loop.Source{
		{Name: srcImports, Informer: mf.Multicluster().V1beta1().ServiceImports().Informer()},
		{Name: srcExports, Informer: mf.Multicluster().V1beta1().ServiceExports().Informer()},
		{Name: srcServices, Informer: kf.Core().V1().Services().Informer()},
	}
	setup := func(q *informer.Queue) func() {
		a.timers = loop.NewTimers[exportRetry](q, adaptercore.TimerSource, nil)
		return a.timers.Stop
	}
	return a.core.Run(ctx, srcs, []loop.Factory{kf, mf}, setup, a.handle, a.flush)
}

// Status returns a snapshot of the adapter's progress.
func (a *Adapter) Status() adapter.Status { return a.core.Status() }

// Collector returns a Prometheus collector of the adapter's progress and
// failures, for the caller to register with its own registry (the adapter
// registers nothing globally):
//
//	meshstate_mcs_synced                                 1 once every informer has synced
//	meshstate_mcs_events_total                           events fed to the machine
//	meshstate_mcs_events_rejected_total                  of which the machine refused
//	meshstate_mcs_objects_skipped_total                  objects that did not convert
//	meshstate_mcs_retries_pending                        retry timers armed
//	meshstate_mcs_watch_errors_total{source,class}       list and watch failures
//	meshstate_mcs_write_errors_total{op,outcome,class}   writes that did not come back Done
func (a *Adapter) Collector() prometheus.Collector { return a.core.Collector("mcs") }

// CRDHint is the advice logged, once per adapter, when the API server does not serve
// ServiceExports or ServiceImports: the MCS CRDs are not installed.
const CRDHint = "install the MCS CRDs (ServiceExport and ServiceImport, multicluster.x-k8s.io/v1beta1, from sigs.k8s.io/mcs-api " +
	"v0.5.2): kubectl apply -f https://raw.githubusercontent.com/kubernetes-sigs/mcs-api/v0.5.2/config/crd/multicluster.x-k8s.io_serviceexports.yaml " +
	"-f https://raw.githubusercontent.com/kubernetes-sigs/mcs-api/v0.5.2/config/crd/multicluster.x-k8s.io_serviceimports.yaml; " +
	"the adapter waits for them and starts once they are served"

// crdHint is the Core's hint: CRDHint for a list of an MCS resource that
// the server says does not exist.
func crdHint(we *adapter.WatchError) string {
	if (we.Source == srcExports || we.Source == srcImports) && apierrors.IsNotFound(we.Err) {
		return CRDHint
	}
	return ""
}
