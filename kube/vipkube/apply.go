package vipkube

import (
	"context"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/adaptercore"
	"github.com/meshstate/meshstate/lookup"
)

// flush applies the batch's effects in order and commits if the Announcer
// batches, then steps the outcomes, whose only effects are retries, and
// arms their timers.
func (a *Adapter) flush(ctx context.Context) {
	for len(a.batch) > 0 || a.owesCommit() {
		batch := a.batch
		a.batch = nil
		wrote := false
		for _, e := range batch {
			switch e.Kind {
			case vip.Advertise, vip.Withdraw:
				// A newer write supersedes the VIP's retry; the machine
				// would ignore its firing anyway.
				a.timers.Forget(vipRetry{vip.RetryVIP, e.VIP})
				a.call(ctx, e)
				wrote = true
			case vip.Commit:
				a.recommit = true
			case vip.RetryAfter:
				k := vipRetry{e.Retry, e.VIP}
				a.timers.AddAfter(k, e.Delay)
				if we := a.failures[k]; we != nil {
					we.RetryIn = e.Delay
				}
			}
		}
		if wrote && a.m.HasSynced() || a.owesCommit() {
			a.commit(ctx)
		}
		for _, ev := range a.outcomes {
			a.step(ev)
		}
		clear(a.outcomes)
		a.outcomes = a.outcomes[:0]
	}
	adaptercore.ReportFailures(a.core, a.failures, a.timers.Len())
}

func (a *Adapter) owesCommit() bool { return a.m.HasSynced() && (!a.committed || a.recommit) }

// call applies one effect and notes its outcome for the machine.
func (a *Adapter) call(ctx context.Context, e vip.Effect) {
	var err error
	switch e.Kind {
	case vip.Advertise:
		err = a.cfg.Announcer.Announce(ctx, e.VIP, slices.Clone(e.Services))
	case vip.Withdraw:
		err = a.cfg.Announcer.Withdraw(ctx, e.VIP)
	}
	a.outcome(e.Kind, e.VIP, err)
	if err == nil {
		a.cfg.Log.V(1).Info("applied", "op", e.Kind.String(), "vip", e.VIP.String(), "services", e.Services)
	}
}

// commit calls the Announcer's Commit, if it has one.
func (a *Adapter) commit(ctx context.Context) {
	a.committed, a.recommit = true, false
	c, ok := a.cfg.Announcer.(Committer)
	if !ok {
		return
	}
	a.timers.Forget(vipRetry{kind: vip.RetryCommit})
	a.outcome(vip.Commit, netip.Addr{}, c.Commit(ctx))
}

// outcome queues the machine's vip.Applied for a call, and keeps a failure
// to log with its retry.
func (a *Adapter) outcome(kind vip.Kind, addr netip.Addr, err error) {
	o, class := lookup.WriteOutcome(err)
	ev := vip.Applied{Effect: kind, VIP: addr, Outcome: o, Class: class}
	if err != nil {
		ev.Message = err.Error()
		k := vipRetry{vip.RetryVIP, addr}
		object := addr.String()
		if kind == vip.Commit {
			k, object = vipRetry{kind: vip.RetryCommit}, ""
		}
		a.failures[k] = &adapter.WriteError{Op: kind.String(), Object: object, Outcome: o, Class: class, Err: err}
	}
	a.outcomes = append(a.outcomes, ev)
}
