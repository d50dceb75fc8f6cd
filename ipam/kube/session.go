package kube

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/apis/v1alpha1"
	"github.com/meshstate/meshstate/internal/informer"
	"github.com/meshstate/meshstate/internal/retry"
	"github.com/meshstate/meshstate/internal/tracefile"
	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/lookup"
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
	trace            *tracefile.Writer
	jobs             chan job
	timers           *timers
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
	traceBad bool
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
	// stale: a write conflicted on the informer's latest object; write
	// again when the informer shows a newer one.
	stale         bool
	flushFailures int

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
	q := informer.NewQueue()
	fast, slow := schedules(a.cfg.Machine)
	return &session{
		a: a, log: a.cfg.Logger, m: m, q: q, trace: a.trace,
		jobs: make(chan job, 4*a.cfg.Workers), timers: newTimers(q),
		retry: fast, slowRetry: slow,
		owners: map[string]*record{}, dirty: map[string]struct{}{}, unsettled: map[string]struct{}{},
	}, nil
}

// run starts the informers and workers, runs the loop until ctx is done,
// and returns once everything it started has stopped.
func (s *session) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	s.done = ctx.Done()
	ns := s.a.cfg.Namespace
	gipFactory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(s.a.clients.dyn, 0, ns, nil)
	gipInf := gipFactory.ForResource(v1alpha1.GlobalIPResource).Informer()
	svcFactory := informers.NewSharedInformerFactoryWithOptions(s.a.clients.kube, 0, informers.WithNamespace(ns),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = managedSelector }))
	svcInf := svcFactory.Core().V1().Services().Informer()
	s.services = svcInf.GetIndexer()
	var wg sync.WaitGroup
	defer func() {
		cancel()
		gipFactory.Shutdown()
		svcFactory.Shutdown()
		wg.Wait()
		s.timers.stopAll()
	}()
	for _, w := range []struct {
		inf    cache.SharedIndexInformer
		source string
	}{{gipInf, srcGlobalIPs}, {svcInf, srcServices}} {
		op := "list/watch " + w.source
		// Informers retry failed lists and watches themselves, with
		// client-go's backoff (0.8s doubling to 30s); the handler only
		// reports them, classified, since nothing else would.
		if err := w.inf.SetWatchErrorHandler(func(_ *cache.Reflector, err error) {
			if ctx.Err() == nil && !errors.Is(err, io.EOF) { // EOF: a watch closed normally
				s.a.noteError(op, lookup.Classify(err), err)
			}
		}); err != nil {
			return err
		}
		if err := w.inf.SetTransform(stripManagedFields); err != nil {
			return err
		}
		wait, err := informer.Watch(ctx, w.inf, w.source, s.q)
		if err != nil {
			return err
		}
		wg.Go(wait)
	}
	for range s.a.cfg.Workers {
		wg.Go(func() { s.a.clients.work(ctx, s.jobs, s.q) })
	}
	gipFactory.Start(ctx.Done())
	svcFactory.Start(ctx.Done())
	return s.loop(ctx)
}

// loop takes everything pending on the queue, steps the machine with it,
// applies the effects, and sends the status writes, until ctx is done.
func (s *session) loop(ctx context.Context) error {
	var items []informer.Item
	for {
		var err error
		if items, err = s.q.Next(ctx, items[:0]); err != nil {
			return err
		}
		for i := range items {
			s.handle(&items[i])
			items[i] = informer.Item{}
		}
		for {
			s.drain()
			if len(s.dirty) == 0 {
				break
			}
			s.flush() // a no-op write reports Applied at once: drain again
		}
		s.publish()
	}
}

func (s *session) now() time.Time { return s.a.cfg.Clock() }

func keyOf(o ipam.Owner) string { return o.Namespace + "/" + o.Name }
