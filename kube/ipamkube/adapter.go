package ipamkube

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"

	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// Adapter runs an ipam.Machine against the API server: GlobalIPs and the
// adapter's Services in, status writes and Services out. Create it with
// New and start it with Run; State and Collector may be called from any
// goroutine.
type Adapter struct {
	cfg     Config
	http    *http.Client
	clients *clients
	report  *loop.Reporter // the trace of every term, and rejections
	running atomic.Bool
	leading atomic.Bool
	snap    atomic.Pointer[snapshot] // the current term's, published by its loop
	errs    errorLog
	metrics *counters
	// instance is the reportingInstance of the adapter's Events.
	instance string
	// stepHook, set by tests before Run, sees every step.
	stepHook func(ipam.Event, []ipam.Effect)
}

// New checks cfg and builds the adapter's clients; it does no I/O.
func New(cfg Config) (*Adapter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	rc := rest.CopyConfig(cfg.REST)
	// The server warns about every Service written with external IPs
	// (deprecated since Kubernetes 1.36); log each distinct warning once
	// instead of on every request.
	rc.WarningHandler, rc.WarningHandlerWithContext = nil, newWarningLog(cfg.Logger)
	// One HTTP client for both API clients, so that Run can close its idle
	// connections (and their goroutines) when it returns.
	hc, err := rest.HTTPClientFor(rc)
	if err != nil {
		return nil, fmt.Errorf("%w: REST: %w", ErrInvalidConfig, err)
	}
	dyn, err := dynamic.NewForConfigAndClient(rc, hc)
	if err != nil {
		return nil, fmt.Errorf("%w: REST: %w", ErrInvalidConfig, err)
	}
	kube, err := kubernetes.NewForConfigAndClient(rc, hc)
	if err != nil {
		return nil, fmt.Errorf("%w: REST: %w", ErrInvalidConfig, err)
	}
	a := &Adapter{cfg: cfg, http: hc, clients: &clients{dyn: dyn, kube: kube, ports: cfg.ServicePorts, carry: cfg.ServiceAddresses},
		report: loop.NewReporter(cfg.Logger, cfg.Trace), metrics: newCounters(), instance: reportingInstance(cfg)}
	a.errs.log = cfg.Logger
	return a, nil
}

// Run allocates until ctx is done, and returns once every goroutine it
// started has ended.
//
// Without Config.LeaderElection it starts a term at once. With it, it
// campaigns for the Lease and runs a term while holding it; when the
// Lease is lost it stops writing at once and returns ErrLeadershipLost.
// Each term starts a fresh machine that recovers from the owners'
// statuses, so calling Run again after ErrLeadershipLost is safe.
//
// Failed requests never end Run. Informers retry lists and watches with
// client-go's backoff (0.8s doubling to 30s); status writes, Service
// writes and lookups are retried as the machine schedules, fast for
// transient errors and slowly for permanent ones (a 403 from missing RBAC
// rules); the latest failure shows in State and in the log. Otherwise Run
// returns ctx's error, ErrLeadershipLost, ErrRunning if called while
// running, or an error setting up its informers.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer a.running.Store(false)
	defer utilnet.CloseIdleConnectionsFor(a.http.Transport)
	log := a.cfg.Logger
	log.Info("ipam adapter starting", "prefixes", a.cfg.Machine.Prefixes, "namespace", a.cfg.Namespace,
		"leaderElection", a.cfg.LeaderElection != nil, "releaseOnNotFound", a.cfg.Machine.ReleaseOnNotFound,
		"serviceAddresses", a.cfg.ServiceAddresses.String())
	var err error
	if a.cfg.LeaderElection == nil {
		err = a.term(ctx)
	} else {
		err = a.elect(ctx)
	}
	log.Info("ipam adapter stopped", "reason", errMessage(err))
	return err
}

// reportingInstance names this replica in its Events: the leader
// election identity, else the host name.
func reportingInstance(cfg Config) string {
	id := ManagedBy
	if cfg.LeaderElection != nil {
		id = cfg.LeaderElection.Identity
	} else if h, err := os.Hostname(); err == nil && h != "" {
		id = ManagedBy + "-" + h
	}
	if len(id) > 128 {
		id = id[:128]
	}
	return id
}

// term runs the allocator until ctx is done.
func (a *Adapter) term(ctx context.Context) error {
	s, err := a.newSession()
	if err != nil {
		return err
	}
	a.leading.Store(true)
	defer func() {
		a.leading.Store(false)
		a.snap.Store(nil)
	}()
	a.cfg.Logger.Info("term started: recovering from the GlobalIPs' statuses")
	return s.run(ctx)
}
