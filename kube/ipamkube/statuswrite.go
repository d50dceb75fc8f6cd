package ipamkube

import (
	"net/netip"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/lookup"
	"github.com/meshstate/meshstate/retry"
)

// pendingStatus is what the machine asked an owner's status to record
// and the API server has not been seen to hold yet. WriteStatus and
// SetCondition effects of one step, or of a burst, go out in one write.
type pendingStatus struct {
	addrs    []netip.Addr
	hasAddrs bool
	// write: a WriteStatus awaits its Applied event.
	write bool
	conds []metav1.Condition
	// seq counts changes, so that a write that completes clears only what
	// it carried.
	seq uint64
}

// desire applies p to base with meta.SetStatusCondition and reports
// whether anything changed: when nothing did, the adapter writes nothing.
func desire(base v1alpha1.GlobalIPStatus, p *pendingStatus) (v1alpha1.GlobalIPStatus, bool) {
	out := v1alpha1.GlobalIPStatus{Addresses: base.Addresses, Conditions: slices.Clone(base.Conditions)}
	changed := false
	if p.hasAddrs {
		if want := addressStrings(p.addrs); !slices.Equal(want, base.Addresses) {
			out.Addresses, changed = want, true
		}
	}
	for _, c := range p.conds {
		if meta.SetStatusCondition(&out.Conditions, c) {
			changed = true
		}
	}
	return out, changed
}

// writeStatus records a WriteStatus effect.
func (s *session) writeStatus(rec *record, addrs []netip.Addr) {
	p := &rec.pending
	p.addrs, p.hasAddrs, p.write = addrs, true, true
	s.touch(rec)
}

// setCondition records a SetCondition effect, replacing an earlier
// pending condition of the same type.
//
// The condition carries the generation of the object the decision was
// made from: the informer's latest, which the machine has seen.
func (s *session) setCondition(rec *record, c metav1.Condition) {
	c.ObservedGeneration = rec.obj.GetGeneration()
	p := &rec.pending
	if i := slices.IndexFunc(p.conds, func(x metav1.Condition) bool { return x.Type == c.Type }); i >= 0 {
		p.conds[i] = c
	} else {
		p.conds = append(p.conds, c)
	}
	s.touch(rec)
}

func (s *session) touch(rec *record) {
	rec.pending.seq++
	s.unsettled[rec.key] = struct{}{}
	s.dirty[rec.key] = struct{}{}
}

// flush sends the status writes of owners whose pending status changed;
// an owner with a write in flight is looked at again when it completes.
func (s *session) flush() {
	for key := range s.dirty {
		delete(s.dirty, key)
		if rec := s.owners[key]; rec != nil && !rec.statusBusy {
			s.flushOne(rec)
		}
	}
}

func (s *session) flushOne(rec *record) {
	if rec.unsure {
		rec.statusBusy = true
		s.dispatch(job{kind: jobRead, key: rec.key, owner: rec.owner})
		return
	}
	base, baseStatus := rec.base()
	desired, changed := desire(baseStatus, &rec.pending)
	if !changed {
		// The status already records it all: a no-op, not a write.
		if rec.pending.write {
			s.report(ipam.Applied{Owner: rec.owner, Effect: ipam.WriteStatus, Outcome: ipam.Done,
				Addresses: rec.pending.addrs, At: s.now()})
		}
		s.settled(rec)
		return
	}
	rec.statusBusy = true
	s.dispatch(job{kind: jobStatus, key: rec.key, owner: rec.owner, addrs: rec.pending.addrs, base: base,
		status: desired, report: rec.pending.write, seq: rec.pending.seq})
	rec.pending.write = false
}

// settled clears what rec had pending: the API server holds it.
func (s *session) settled(rec *record) {
	rec.pending = pendingStatus{}
	rec.flushFailures = 0
	delete(s.unsettled, rec.key)
	s.timers.Forget(flushKey(rec.key))
}

// statusWritten takes the result of a status write.
func (s *session) statusWritten(r *result) {
	if r.report {
		s.report(ipam.Applied{Owner: r.owner, Effect: ipam.WriteStatus, Outcome: r.outcome, Class: failClass(r), Addresses: r.addrs,
			Message: errMessage(r.err), At: s.now()})
	}
	rec := s.owners[r.key]
	if rec == nil || rec.owner.UID != r.owner.UID {
		return // deleted or replaced since
	}
	rec.statusBusy = false
	switch r.outcome {
	case ipam.Done:
		rec.wrote = nil
		if st, err := statusOf(r.written); err == nil && r.written.GetResourceVersion() != rec.obj.GetResourceVersion() {
			// Base the next write on this object until the informer
			// shows it: the informer's copy is older, and a write
			// based on it would conflict.
			rec.wrote, rec.wroteStatus = r.written, st
		}
		if rec.pending.seq == r.seq {
			s.settled(rec)
		} else {
			s.dirty[rec.key] = struct{}{}
		}
		return
	case ipam.Conflict:
		// Our copy is older than the server's; with the watch cut the
		// informer may not show the newer one for a while. Read it.
		rec.wrote, rec.unsure = nil, true
		s.dirty[rec.key] = struct{}{}
		return
	case ipam.Unknown:
		// The write may have landed: no copy we hold says what the
		// server has, so nothing may be judged written or unwritten
		// on them. Read the object before the next attempt.
		rec.wrote, rec.unsure = nil, true
		s.noteError("update status", r.class, r.err)
	case ipam.Failed:
		s.noteError("update status", r.class, r.err)
	}
	s.retryFlush(rec, r.class)
}

// reread takes the object read after an unsure write: the next write is
// based on it, and judged against it.
func (s *session) reread(r *result) {
	rec := s.owners[r.key]
	if rec == nil || rec.owner.UID != r.owner.UID {
		return
	}
	rec.statusBusy = false
	if r.err != nil {
		if r.class == lookup.NotFound {
			rec.unsure = false // gone: the informer will say so
			return
		}
		s.noteError("get globalip", r.class, r.err)
		s.retryFlush(rec, r.class)
		return
	}
	st, err := statusOf(r.written)
	if err != nil || string(r.written.GetUID()) != rec.owner.UID {
		rec.unsure = false // malformed, or another incarnation: the informer will say
		return
	}
	rec.unsure = false
	rec.wrote, rec.wroteStatus = r.written, st
	s.dirty[rec.key] = struct{}{}
}

// retryFlush schedules another attempt at rec's write, with the machine's
// schedules. A write that carried a WriteStatus is also retried as the
// machine decides on its Applied event (the second attempt finds nothing
// left to write); one that carried only conditions has no other retry.
func (s *session) retryFlush(rec *record, class lookup.Class) {
	sched := s.retry
	if class == lookup.Permanent {
		sched = s.slowRetry
	}
	delay := sched.Delay(rec.owner.UID, rec.flushFailures)
	rec.flushFailures++
	s.timers.AddAfter(flushKey(rec.key), delay)
}

// schedules returns the machine's retry schedules, defaults filled in by
// retry.Defaults, as ipam.New fills them (which has validated them).
func schedules(c ipam.Config) (fast, slow retry.Schedule) {
	fast, slow = c.Retry, c.SlowRetry
	_, _ = retry.Defaults(&fast, &slow)
	return fast, slow
}

// failClass is the Class an Applied event carries: only Failed has one.
func failClass(r *result) lookup.Class {
	if r.outcome == ipam.Failed {
		return r.class
	}
	return 0
}

func errMessage(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
