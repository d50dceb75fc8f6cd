package ipamkube

import (
	"context"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/lookup"
)

// clients are the API clients the workers use.
type clients struct {
	dyn   dynamic.Interface
	kube  kubernetes.Interface
	ports []corev1.ServicePort
	carry ServiceAddresses
}

type jobKind uint8

const (
	jobStatus jobKind = iota + 1 // update an owner's status
	jobEnsure                    // create or update an owner's Service
	jobLookup                    // get an owner's Service
	jobRead                      // get an owner, after a write that may or may not have landed
	jobEvent                     // record an Event about an owner
)

// job is one API request the loop hands a worker. The loop never has two
// requests of one kind in flight for one owner.
type job struct {
	kind  jobKind
	key   string
	owner ipam.Owner
	addrs []netip.Addr // jobEnsure; jobStatus: those its WriteStatus carries

	// jobStatus
	base   *unstructured.Unstructured // the object the write is based on
	status v1alpha1.GlobalIPStatus    // what it writes
	report bool                       // it carries a WriteStatus: report Applied
	seq    uint64                     // the pending status it carries

	event *eventsv1.Event // jobEvent
}

// result is a job done, pushed onto the queue for the loop.
type result struct {
	job
	outcome ipam.Outcome // jobStatus, jobEnsure
	class   lookup.Class
	err     error
	written *unstructured.Unstructured // jobStatus on success, jobRead
}

// work runs jobs until ctx is done. Results go onto the unbounded queue,
// so a worker never waits for the loop, and the loop's hand-off to the
// workers always completes.
func (c *clients) work(ctx context.Context, jobs <-chan job, q *informer.Queue) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			r := c.do(ctx, j)
			q.Push(informer.Item{Source: srcResult, Obj: r})
		}
	}
}

func (c *clients) do(ctx context.Context, j job) *result {
	r := &result{job: j}
	switch j.kind {
	case jobStatus:
		u, err := withStatus(j.base, &j.status)
		if err == nil {
			u, err = c.dyn.Resource(v1alpha1.GlobalIPResource).Namespace(j.owner.Namespace).
				UpdateStatus(ctx, u, metav1.UpdateOptions{})
		}
		r.outcome, r.class, r.err = writeOutcome(err)
		if err == nil {
			r.written = u
		}
	case jobEnsure:
		r.outcome, r.class, r.err = c.ensureService(ctx, j.owner, j.addrs)
	case jobLookup:
		r.class, r.addrs, r.err = c.getService(ctx, j.owner)
	case jobEvent:
		r.err = c.createEvent(ctx, j.event)
		r.class = lookup.Classify(r.err)
	case jobRead:
		u, err := c.dyn.Resource(v1alpha1.GlobalIPResource).Namespace(j.owner.Namespace).
			Get(ctx, j.owner.Name, metav1.GetOptions{})
		r.class, r.err = lookup.Classify(err), err
		if err == nil {
			r.written = u
		}
	}
	return r
}
