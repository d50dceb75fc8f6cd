package kube

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
	if err := s.trace.Write(ev); err != nil && !s.traceBad {
		s.traceBad = true // tracefile stops at its first error; say so once
		s.log.Error(err, "trace writing failed; the trace ends here")
	}
	effects, err := s.m.AppendStep(s.effects[:0], ev)
	if s.a.stepHook != nil {
		s.a.stepHook(ev, effects)
	}
	if err != nil {
		s.rejected(ev, err)
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
	if errors.Is(err, ipam.ErrUnknownOwner) || errors.Is(err, ipam.ErrUIDMismatch) {
		s.log.V(1).Info("event for an owner no longer held", "event", ev, "reason", err.Error())
		return
	}
	s.log.Error(err, "the allocator rejected an event", "event", ev)
}

// apply carries out one effect. Effects for an owner the session no
// longer holds in that incarnation are dropped: the machine will say
// what the new one needs.
func (s *session) apply(e ipam.Effect) {
	if e.Kind == ipam.RetryAfter {
		e2 := ipam.Effect{Kind: e.Retry, Owner: e.Owner, Addresses: e.Addresses}
		s.timers.schedule(timerKey{keyOf(e.Owner), e.Retry}, e.Delay, e2)
		return
	}
	if e.Kind == ipam.Release {
		s.log.V(1).Info("released", "owner", e.Owner.String(), "addresses", e.Addresses)
		return // the status goes with the object
	}
	rec := s.owners[keyOf(e.Owner)]
	if rec == nil || rec.owner.UID != e.Owner.UID {
		return
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
