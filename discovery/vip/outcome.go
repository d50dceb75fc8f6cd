package vip

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/internal/attempts"
)

// applied acts on the outcome of an Advertise, Withdraw or Commit. Done
// ends the VIP's retries; anything else schedules a retry, keyed by the
// VIP and carrying no decision. An outcome of an effect that a newer
// decision overtook (an Advertise's outcome while the VIP is withdrawn)
// changes nothing: the newer effect's own outcome follows it, since the
// adapter reports outcomes in the order it applied the effects.
func (m *Machine) applied(dst []Effect, ev Applied) ([]Effect, error) {
	if err := ev.validate(); err != nil {
		return dst, err
	}
	if !m.synced() {
		return dst, nil // nothing was emitted yet: the outcome matches nothing
	}
	if ev.Effect == Commit {
		if ev.Outcome == Done {
			m.commit = attempts.Attempts{}
			return dst, nil
		}
		d := m.sched.Failed(&m.commit, ev.Outcome, ev.Class, "commit")
		return append(dst, Effect{Kind: RetryAfter, Retry: RetryCommit, Delay: d}), nil
	}
	st := m.vips[ev.VIP]
	if (ev.Effect == Advertise) != (st != nil && st.advertised) {
		return dst, nil // overtaken
	}
	if ev.Outcome == Done {
		if st != nil {
			st.retry = attempts.Attempts{}
			m.drop(ev.VIP)
		}
		return dst, nil
	}
	if st == nil {
		st = m.vip(ev.VIP) // a withdrawn VIP nothing lists: kept for its retry
	}
	d := m.sched.Failed(&st.retry, ev.Outcome, ev.Class, ev.VIP.String())
	return append(dst, Effect{Kind: RetryAfter, Retry: RetryVIP, VIP: ev.VIP, Delay: d}), nil
}

// retryDue decides a due retry from what the machine holds now. A retry
// that a newer effect or a Done outcome superseded, or that is due for a
// second time, yields nothing.
func (m *Machine) retryDue(dst []Effect, ev RetryDue) ([]Effect, error) {
	if err := ev.validate(); err != nil {
		return dst, err
	}
	if ev.Kind == RetryCommit {
		if !m.commit.Pending {
			return dst, nil
		}
		m.commit.Pending = false
		return append(dst, Effect{Kind: Commit}), nil
	}
	st := m.vips[ev.VIP]
	if st == nil || !st.retry.Pending {
		return dst, nil
	}
	return m.decision(dst, ev.VIP, st), nil
}

func (ev Applied) validate() error {
	bad := func(field, reason string) error {
		return &RejectedError{Object: "outcome", Key: ev.VIP.String(), Field: field, Reason: reason, Err: ErrInvalidEvent}
	}
	switch ev.Effect {
	case Advertise, Withdraw, Commit:
	default:
		return bad("effect", fmt.Sprintf("%v has no outcome", ev.Effect))
	}
	if field, r := attempts.Problem(ev.Outcome, ev.Class); r != "" {
		return bad(field, r)
	}
	return vipKeyProblem(ev.Effect == Commit, ev.VIP, bad)
}

func (ev RetryDue) validate() error {
	bad := func(field, reason string) error {
		return &RejectedError{Object: "retry", Key: ev.VIP.String(), Field: field, Reason: reason, Err: ErrInvalidEvent}
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
