package ipamkube

import (
	"errors"

	"github.com/meshstate/meshstate/ipam"
)

// report queues an event for the machine, behind those already queued.
func (s *session) report(ev ipam.Event) { s.inbox = append(s.inbox, ev) }

// drain steps the machine with the queued events, and with those that
// applying their effects queues, until none is left.
func (s *session) drain() {
	for i := 0; i < len(s.inbox); i++ {
		s.step(s.inbox[i])
		s.inbox[i] = nil
	}
	s.inbox = s.inbox[:0]
}

func (s *session) step(ev ipam.Event) {
	s.a.report.Record(ev)
	if lr, ok := ev.(ipam.LookupResult); ok {
		s.a.metrics.lookups.WithLabelValues(lr.Class.String()).Inc()
	}
	effects, err := s.m.AppendStep(s.effects[:0], ev)
	if s.a.stepHook != nil {
		s.a.stepHook(ev, effects)
	}
	if err != nil {
		s.rejected(ev, err)
	} else {
		s.stepped(ev, effects)
	}
	for _, e := range effects {
		s.apply(e)
	}
	clear(effects)
	s.effects = effects[:0]
}

// rejected logs an event the machine refused. Results for owners deleted
// or replaced while a request was in flight are expected; anything else
// is a malformed object or a bug worth seeing.
func (s *session) rejected(ev ipam.Event, err error) {
	s.a.metrics.rejected(err)
	if s.refused(ev, err) {
		return
	}
	if errors.Is(err, ipam.ErrUnknownOwner) || errors.Is(err, ipam.ErrUIDMismatch) {
		s.log.V(1).Info("event for an owner no longer held", "event", ev, "reason", err.Error())
		return
	}
	s.a.report.Rejected(ev, err)
}

// apply carries out one effect. Effects for an owner the session no
// longer holds in that incarnation are dropped: the machine will say
// what the new one needs.
func (s *session) apply(e ipam.Effect) {
	if e.Kind == ipam.RetryAfter {
		s.a.metrics.retries.WithLabelValues(e.Retry.String()).Inc()
		// A key and a kind, never data: when it fires the machine is
		// asked (RetryDue) and decides from what it holds then.
		s.timers.AddAfter(timerKey{key: e.Owner.String(), kind: e.Retry}, e.Delay)
		return
	}
	if e.Kind == ipam.Release {
		s.a.metrics.releases.Inc()
		s.log.Info("released", "owner", e.Owner.String(), "addresses", e.Addresses)
		return // the status goes with the object
	}
	rec := s.owners[e.Owner.String()]
	if rec == nil || rec.owner.UID != e.Owner.UID {
		return
	}
	if e.Kind != ipam.SetCondition && e.Kind != ipam.Notify {
		// A newer effect of the kind supersedes a retry of it; the
		// machine would ignore the retry, so it need not fire.
		s.timers.Forget(timerKey{key: rec.key, kind: e.Kind})
	}
	switch e.Kind {
	case ipam.WriteStatus:
		s.writeStatus(rec, e.Addresses)
	case ipam.SetCondition:
		s.setCondition(rec, e.Condition)
	case ipam.EnsureDependency:
		s.ensure(rec, e.Addresses)
	case ipam.Lookup:
		s.lookup(rec)
	case ipam.Notify:
		s.notify(rec, e.Notice)
	}
}

// dispatch hands j to a worker. Workers never wait on the loop, so this
// waits at most for a request to complete.
func (s *session) dispatch(j job) {
	select {
	case s.jobs <- j:
		s.inflight++
	case <-s.done:
	}
}
