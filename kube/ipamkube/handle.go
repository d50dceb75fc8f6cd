package ipamkube

import (
	"errors"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/internal/informer"
)

// handle turns one queue item into events, or into the bookkeeping of a
// finished request.
func (s *session) handle(it *informer.Item) {
	switch it.Source {
	case srcGlobalIPs:
		switch it.Op {
		case informer.Upsert:
			s.upsert(it)
		case informer.Delete:
			s.deleted(it)
		case informer.Synced:
			s.synced = true
			s.report(ipam.Synced{At: s.now()})
		}
	case srcServices:
		if it.Op != informer.Synced {
			s.serviceChanged(it.Obj)
		}
	case srcResult:
		r := it.Obj.(*result)
		s.inflight--
		switch r.kind {
		case jobStatus:
			s.statusWritten(r)
		case jobEnsure:
			s.ensured(r)
		case jobLookup:
			s.lookedUp(r)
		case jobRead:
			s.reread(r)
		case jobEvent:
			s.eventRecorded(r)
		}
	case srcRetry:
		s.retryDue(it)
	}
}

func (s *session) upsert(it *informer.Item) {
	u, ok := it.Obj.(*unstructured.Unstructured)
	if !ok {
		s.skip(it.Key, errors.New("not an unstructured object"))
		return
	}
	status, ev, err := observed(u, s.now())
	if err != nil {
		s.skip(it.Key, err)
		return
	}
	key := ev.Owner.String()
	rec := s.owners[key]
	switch {
	case rec == nil:
		rec = &record{key: key, owner: ev.Owner}
		s.owners[key] = rec
	case rec.owner.UID != ev.Owner.UID:
		s.forget(rec) // a new incarnation: nothing pending carries over
		rec.owner = ev.Owner
	}
	rec.obj, rec.status = u, status
	if rec.wrote != nil && rec.wrote.GetResourceVersion() == u.GetResourceVersion() {
		rec.wrote = nil // the informer has caught up with the write
	}
	s.report(ev)
}

func (s *session) deleted(it *informer.Item) {
	o, err := deletedOwner(it.Obj, it.Key)
	if err != nil {
		s.skip(it.Key, err)
		return
	}
	// A late delete of an earlier incarnation leaves the current one's
	// record alone; the machine refuses it too.
	if rec := s.owners[o.String()]; rec != nil && (o.UID == "" || o.UID == rec.owner.UID) {
		s.forget(rec)
		delete(s.owners, rec.key)
	}
	s.report(ipam.Deleted{Owner: o, At: s.now()})
}

// forget drops what the session holds for rec's incarnation. Requests in
// flight complete and find a newer incarnation, or none, and are ignored.
func (s *session) forget(rec *record) {
	s.settled(rec)
	delete(s.dirty, rec.key)
	forgetOwner(s.timers, rec.key)
	rec.wrote, rec.unsure = nil, false
	rec.statusBusy, rec.ensureBusy, rec.lookupBusy = false, false, false
	rec.ensureQueued, rec.lookupAgain = false, false
}

// retryDue takes a retry timer that fired: the adapter's own flush
// retry looks at the pending status again; the machine's is reported as
// RetryDue, and the machine decides what it does now.
func (s *session) retryDue(it *informer.Item) {
	k, ok := s.timers.Fired(*it)
	if !ok {
		return // superseded or forgotten since
	}
	rec := s.owners[k.key]
	switch {
	case rec == nil:
	case k.flush:
		s.dirty[k.key] = struct{}{}
	default:
		s.report(ipam.RetryDue{Owner: rec.owner, Kind: k.kind, At: s.now()})
	}
}

// skip reports an object that cannot be fed to the machine. It is not
// taken for absent: the machine keeps what it knew of it.
func (s *session) skip(key string, err error) {
	s.skipped++
	s.log.Error(err, "skipping malformed GlobalIP", "key", key)
}
