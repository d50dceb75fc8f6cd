package discovery

import (
	"fmt"
	"net/netip"
)

// applied acts on the outcome of an Advertise, Withdraw or Commit. Done
// ends the VIP's retries; anything else schedules a retry, keyed by the
// VIP and carrying no decision. An outcome of an effect that a newer
// decision overtook (an Advertise's outcome while the VIP is withdrawn)
// changes nothing: the newer effect's own outcome follows it, since the
// adapter reports outcomes in the order it applied the effects.
func (m *VIPMachine) applied(dst []VIPEffect, ev VIPApplied) ([]VIPEffect, error) {
	if err := ev.validate(); err != nil {
		return dst, err
	}
	if !m.synced() {
		return dst, nil // nothing was emitted yet: the outcome matches nothing
	}
	if ev.Effect == Commit {
		if ev.Outcome == Done {
			m.commit = attempts{}
			return dst, nil
		}
		d := m.sched.failed(&m.commit, ev.Outcome, ev.Class, "commit")
		return append(dst, VIPEffect{Kind: VIPRetryAfter, Retry: RetryCommit, Delay: d}), nil
	}
	st := m.vips[ev.VIP]
	if (ev.Effect == Advertise) != (st != nil && st.advertised) {
		return dst, nil // overtaken
	}
	if ev.Outcome == Done {
		if st != nil {
			st.retry = attempts{}
			m.drop(ev.VIP)
		}
		return dst, nil
	}
	if st == nil {
		st = m.vip(ev.VIP) // a withdrawn VIP nothing lists: kept for its retry
	}
	d := m.sched.failed(&st.retry, ev.Outcome, ev.Class, ev.VIP.String())
	return append(dst, VIPEffect{Kind: VIPRetryAfter, Retry: RetryVIP, VIP: ev.VIP, Delay: d}), nil
}

// retryDue decides a due retry from what the machine holds now. A retry
// that a newer effect or a Done outcome superseded, or that is due for a
// second time, yields nothing.
func (m *VIPMachine) retryDue(dst []VIPEffect, ev VIPRetryDue) ([]VIPEffect, error) {
	if err := ev.validate(); err != nil {
		return dst, err
	}
	if ev.Kind == RetryCommit {
		if !m.commit.pending {
			return dst, nil
		}
		m.commit.pending = false
		return append(dst, VIPEffect{Kind: Commit}), nil
	}
	st := m.vips[ev.VIP]
	if st == nil || !st.retry.pending {
		return dst, nil
	}
	return m.decision(dst, ev.VIP, st), nil
}

func (ev VIPApplied) validate() error {
	bad := func(field, reason string) error {
		return &VIPRejectedError{Object: "outcome", Key: ev.VIP.String(), Field: field, Reason: reason, Err: ErrInvalidVIPEvent}
	}
	switch ev.Effect {
	case Advertise, Withdraw, Commit:
	default:
		return bad("effect", fmt.Sprintf("%v has no outcome", ev.Effect))
	}
	if field, r := outcomeProblem(ev.Outcome, ev.Class); r != "" {
		return bad(field, r)
	}
	return vipKeyProblem(ev.Effect == Commit, ev.VIP, bad)
}

func (ev VIPRetryDue) validate() error {
	bad := func(field, reason string) error {
		return &VIPRejectedError{Object: "retry", Key: ev.VIP.String(), Field: field, Reason: reason, Err: ErrInvalidVIPEvent}
	}
	if ev.Kind != RetryVIP && ev.Kind != RetryCommit {
		return bad("kind", fmt.Sprintf("%v is not a VIP retry", ev.Kind))
	}
	return vipKeyProblem(ev.Kind == RetryCommit, ev.VIP, bad)
}

// vipKeyProblem checks the VIP an outcome or retry names: none for a
// commit, a plain address otherwise.
func vipKeyProblem(commit bool, a netip.Addr, bad func(field, reason string) error) error {
	if commit {
		if a.IsValid() {
			return bad("vip", "a commit names no VIP")
		}
		return nil
	}
	if r := vipAddrProblem(a); r != "" {
		return bad("vip", r)
	}
	return nil
}
