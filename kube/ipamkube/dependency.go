package ipamkube

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/lookup"
)

// ensure applies an EnsureDependency effect. While one ensure of the
// owner is in flight, the latest later one waits for it.
func (s *session) ensure(rec *record, addrs []netip.Addr) {
	if rec.ensureBusy {
		rec.ensureNext, rec.ensureQueued = addrs, true
		return
	}
	rec.ensureBusy = true
	s.dispatch(job{kind: jobEnsure, key: rec.key, owner: rec.owner, addrs: addrs})
}

func (s *session) ensured(r *result) {
	if r.outcome != ipam.Done {
		s.noteError("ensure service", r.class, r.err)
	}
	s.report(ipam.Applied{Owner: r.owner, Effect: ipam.EnsureDependency, Outcome: r.outcome, Class: failClass(r),
		Addresses: r.addrs, Message: errMessage(r.err), At: s.now()})
	if rec := s.owners[r.key]; rec != nil && rec.owner.UID == r.owner.UID {
		rec.ensureBusy = false
		if rec.ensureQueued {
			rec.ensureQueued = false
			s.ensure(rec, rec.ensureNext)
		}
	}
}

// lookup applies a Lookup effect. A Service in the informer's cache that
// is this owner's answers Found at once. Anything else (a miss, which
// before the cache has synced proves nothing, or a Service of another
// incarnation, which may be a stale copy) is asked of the API server, so
// that NotFound is only ever reported on the server's word.
func (s *session) lookup(rec *record) {
	if obj, ok, _ := s.services.GetByKey(rec.owner.Namespace + "/" + v1alpha1.InternalServiceName(rec.owner.Name)); ok {
		if svc, isSvc := obj.(*corev1.Service); isSvc && managed(svc) && controlledBy(svc, rec.owner) {
			s.report(ipam.LookupResult{Owner: rec.owner, Class: lookup.Found, Addresses: s.a.clients.carried(svc), At: s.now()})
			return
		}
	}
	if rec.lookupBusy {
		// The lookup in flight may have started before what prompted
		// this one: look again when it completes.
		rec.lookupAgain = true
		return
	}
	rec.lookupBusy = true
	s.dispatch(job{kind: jobLookup, key: rec.key, owner: rec.owner})
}

func (s *session) lookedUp(r *result) {
	if !r.class.Known() {
		s.noteError("get service", r.class, r.err)
	}
	s.report(ipam.LookupResult{Owner: r.owner, Class: r.class, Addresses: r.addrs, Message: errMessage(r.err), At: s.now()})
	if rec := s.owners[r.key]; rec != nil && rec.owner.UID == r.owner.UID {
		rec.lookupBusy = false
		if rec.lookupAgain {
			rec.lookupAgain = false
			s.lookup(rec)
		}
	}
}

// serviceChanged reacts to one of the adapter's Services changing or
// disappearing: its owner's dependency is looked up, and the machine,
// told what it carries now (or NotFound), has it repaired or recreated.
// The adapter never judges a Service itself.
func (s *session) serviceChanged(obj any) {
	svc, ok := obj.(*corev1.Service)
	if !ok || !s.synced {
		return
	}
	ref := metav1.GetControllerOfNoCopy(svc)
	if ref == nil || ref.Kind != "GlobalIP" {
		return
	}
	if rec := s.owners[svc.Namespace+"/"+ref.Name]; rec != nil && rec.owner.UID == string(ref.UID) {
		s.lookup(rec)
	}
}
