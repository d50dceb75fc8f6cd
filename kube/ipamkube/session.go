package ipamkube

import (
	"context"
	"net/netip"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
	"github.com/meshstate/meshstate/retry"
)

// Sources of the items on a session's queue: its two informers, its
// workers' results and its retry timers. One queue, so that one goroutine
// sees everything in one order and steps the machine alone.
const (
	srcGlobalIPs = "globalips"
	srcServices  = "services"
	srcResult    = "result"
	srcRetry     = "retry"
)

// session is one leadership term: a fresh machine, recovering from the
// owners' statuses, and everything that feeds it. Only its loop goroutine
// touches its fields.
type session struct {
	a                *Adapter
	log              logr.Logger
	m                *ipam.Machine
	q                *informer.Queue
	jobs             chan job
	timers           *loop.Timers[timerKey]
	services         cache.Indexer // the Service informer's cache
	retry, slowRetry retry.Schedule

	owners    map[string]*record  // by namespace/name
	dirty     map[string]struct{} // owners whose pending status needs a look
	unsettled map[string]struct{} // owners with a pending status
	inbox     []ipam.Event        // events to step, in order
	effects   []ipam.Effect       // reused by each step

	done     <-chan struct{} // the term's context is done
	inflight int
	skipped  int
	synced   bool
}

// record is what the session knows of one owner beyond the machine.
type record struct {
	key   string
	owner ipam.Owner
	// obj is the informer's latest object, read-only; status is its
	// status, decoded.
	obj    *unstructured.Unstructured
	status v1alpha1.GlobalIPStatus
	// wrote is the response to the session's last status write until the
	// informer shows that version: writes are based on it meanwhile.
	wrote       *unstructured.Unstructured
	wroteStatus v1alpha1.GlobalIPStatus
	pending     pendingStatus
	// unsure: a status write conflicted or lost its answer, so neither
	// the informer's copy nor the last response may be the server's
	// state; the next write reads the object first.
	unsure        bool
	flushFailures int

	// refusedGen is the generation whose edit the machine last refused
	// (ErrWantChanged): the refusal is told once per generation.
	refusedGen int64

	statusBusy, ensureBusy, lookupBusy bool
	ensureQueued, lookupAgain          bool
	ensureNext                         []netip.Addr
}

// base is the object the next status write is based on.
func (r *record) base() (*unstructured.Unstructured, v1alpha1.GlobalIPStatus) {
	if r.wrote != nil {
		return r.wrote, r.wroteStatus
	}
	return r.obj, r.status
}

func (a *Adapter) newSession() (*session, error) {
	m, err := ipam.New(a.cfg.Machine)
	if err != nil {
		return nil, err
	}
	fast, slow := schedules(a.cfg.Machine)
	return &session{
		a: a, log: a.cfg.Logger, m: m,
		jobs:  make(chan job, 4*a.cfg.Workers),
		retry: fast, slowRetry: slow,
		owners: map[string]*record{}, dirty: map[string]struct{}{}, unsettled: map[string]struct{}{},
	}, nil
}

// run runs the term on internal/loop's Runner: the two informers, the
// workers and the retry timers push onto its one queue, and its loop
// hands each item to handle and each batch to settle, until ctx is done.
// It returns once everything it started has stopped.
func (s *session) run(ctx context.Context) error {
	ns := s.a.cfg.Namespace
	gipFactory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(s.a.clients.dyn, 0, ns, nil)
	gipInf := gipFactory.ForResource(v1alpha1.GlobalIPResource).Informer()
	svcFactory := informers.NewSharedInformerFactoryWithOptions(s.a.clients.kube, 0, informers.WithNamespace(ns),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = managedSelector }))
	svcInf := svcFactory.Core().V1().Services().Informer()
	s.services = svcInf.GetIndexer()
	for _, inf := range []cache.SharedIndexInformer{gipInf, svcInf} {
		if err := inf.SetTransform(stripManagedFields); err != nil {
			return err
		}
	}
	r, err := loop.New(loop.Config{
		Sources:   []loop.Source{{Name: srcGlobalIPs, Informer: gipInf}, {Name: srcServices, Informer: svcInf}},
		Factories: []loop.Factory{gipFactory, svcFactory},
		Log:       s.log,
		// Informers retry failed lists and watches themselves, with
		// client-go's backoff; they are only reported, classified. The
		// runner has logged the failure already: it is kept for State,
		// not logged twice (issue 16).
		OnWatchError: func(we *adapter.WatchError) { s.a.recordError("list/watch "+we.Source, we.Class, we.Err) },
	})
	if err != nil {
		return err
	}
	s.q = r.Queue()
	s.timers = loop.NewTimers[timerKey](s.q, srcRetry, nil)
	if err := r.OnStop(s.timers.Stop); err != nil {
		return err
	}
	for range s.a.cfg.Workers {
		if err := r.Go(func(ctx context.Context) error { s.a.clients.work(ctx, s.jobs, s.q); return nil }); err != nil {
			return err
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.done = runCtx.Done()
	if err := r.Run(runCtx, func(it informer.Item) { s.handle(&it) }, s.settle); err != nil {
		return err
	}
	return ctx.Err()
}

// settle steps the machine with what the batch's items reported, applies
// the effects, and sends the status writes; a no-op write reports Applied
// at once, so it steps again until nothing is left.
func (s *session) settle(context.Context) {
	for {
		s.drain()
		if len(s.dirty) == 0 {
			break
		}
		s.flush()
	}
	s.publish()
}

func (s *session) now() time.Time { return s.a.cfg.Clock() }
