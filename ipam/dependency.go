package ipam

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// dependency is what the machine knows of an owner's dependency (its
// internal Service).
//
// An address is handed to a dependency only once it is durable, that is
// once the owner's status is known to record it: a dependency never
// carries an address that a restart, rebuilding from statuses only, could
// give to another owner. And an address an owner gave up is not given to
// another owner while its dependency may still carry it.
type dependency struct {
	// carried is what the dependency is known to carry; known says
	// whether carried is known at all (not after a restart, nor after
	// an ensure whose outcome was lost, until a lookup or an ensure says).
	carried []netip.Addr
	known   bool
	// owed: the dependency must be ensured with the owner's addresses as
	// soon as they are durable.
	owed bool
	// ensuring: an ensure was asked for and has not been seen done with
	// the owner's addresses. A NotFound meanwhile is our own request not
	// yet applied, not a dependency that went away.
	ensuring bool
}

// carries reports whether h's dependency is known to carry exactly h's
// addresses.
func (h *holding) carries() bool {
	return h.dep.known && slices.Equal(h.dep.carried, h.addrs)
}

// durable reports whether h's status is known to record its addresses.
func (h *holding) durable() bool { return h.addrs != nil && slices.Equal(h.shown, h.addrs) }

// ensure asks for h's dependency to carry h's addresses: now if they are
// durable, otherwise as soon as they are.
func (m *Machine) ensure(out []Effect, h *holding) []Effect {
	if !h.depends || h.addrs == nil {
		return out
	}
	h.dep.ensuring = true
	if !h.durable() {
		h.dep.owed = true
		return out
	}
	h.dep.owed = false
	h.retrying.remove(EnsureDependency)
	return append(out, Effect{Kind: EnsureDependency, Owner: h.owner, Addresses: h.addrs})
}

// settled runs what waited for h's status to record its addresses or its
// dependency to carry them: an owed ensure, and the release of the
// addresses h gave up.
func (m *Machine) settled(out []Effect, h *holding, at time.Time) []Effect {
	if h.dep.owed && h.durable() {
		out = m.ensure(out, h)
	}
	return m.retired(out, h, at)
}

// found takes a Found lookup: a dependency carrying h's addresses is
// ready; one carrying others (tampered with, or left by an ensure that
// lost a race) is repaired.
func (m *Machine) found(out []Effect, h *holding, carried []netip.Addr, at time.Time) []Effect {
	h.dep.carried, h.dep.known = slices.Clone(carried), true
	if h.carries() {
		h.dep.ensuring = false
		return m.retired(m.ready(out, h, ReasonFound, at), h, at)
	}
	if h.dep.ensuring {
		// Our own ensure is not applied yet: what the lookup saw is older.
		return out
	}
	out = m.ensure(out, h)
	return m.setCondition(out, h, condDependencyReady, false, ReasonDependencyMismatch,
		fmt.Sprintf("the dependency carries %v, not %v: repairing", carried, h.addrs), at)
}

// ready says that h's dependency carries its addresses, unless a
// condition says so already, whoever wrote it (DependencyEnsured before a
// restart, Found from the informer's copy of the Service our own ensure
// just created): rewriting only the reason would be a status write that
// tells nobody anything.
func (m *Machine) ready(out []Effect, h *holding, reason string, at time.Time) []Effect {
	if h.conds[condDependencyReady].isTrue() {
		return out
	}
	return m.setCondition(out, h, condDependencyReady, true, reason, "", at)
}
