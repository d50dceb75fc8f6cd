package ipam

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/meshstate/meshstate/retry"
)

// Config configures a Machine.
type Config struct {
	// Prefixes are the pool's ranges (see NewPool).
	Prefixes []netip.Prefix `json:"prefixes"`
	// ReleaseOnNotFound releases an owner's addresses and allocates new ones
	// when its dependency is confirmed gone. The old ones go to nobody else
	// until an Applied WriteStatus or an Observed status shows the new ones,
	// so no two statuses ever record one address. Off by default: the
	// dependency is recreated with the same addresses, which keeps
	// connections alive.
	ReleaseOnNotFound bool `json:"releaseOnNotFound,omitempty"`
	// Retry schedules retries after transient errors; zero means
	// retry.DefaultSchedule().
	Retry retry.Schedule `json:"retry,omitzero"`
	// SlowRetry schedules retries after permanent errors; zero means
	// retry.SlowSchedule().
	SlowRetry retry.Schedule `json:"slowRetry,omitzero"`
}

// Machine decides the addresses of global-IP owners. It reserves what
// statuses record while the initial list arrives, allocates only after it,
// keeps an owner's addresses through every lookup it cannot confirm, and
// releases them only when the owner is deleted (or, with ReleaseOnNotFound,
// when its dependency is confirmed gone).
//
// A Machine is a plain value without goroutines, clock or I/O; it is not
// safe for concurrent use.
type Machine struct {
	cfg     Config
	pool    *Pool
	owners  map[ownerKey]*holding
	waiting map[ownerKey]*holding // owners without addresses, after Synced
	// arrivals are the owners observed before Synced, in order; recovery
	// handles them at Synced.
	arrivals []arrival
	synced   bool
	// touched are the owners whose conditions the current step changed:
	// their Ready condition is decided at its end.
	touched []*holding
	// spare are records of owners forgotten in earlier steps, for new
	// owners to take; forgotten are those of the current step, which the
	// step may still look at (touched). Only records forgotten after
	// Synced are kept (arrivals refer to the others), and no more of them
	// than there are owners, so that a mass deletion does not pin its
	// memory. A record's address slices are never taken back: effects
	// share them.
	spare, forgotten []*holding
}

// arrival is an owner observed before Synced, with its creation time,
// which decides who keeps a contested address.
type arrival struct {
	h         *holding
	createdAt time.Time
}

// New returns a machine over an empty pool of cfg.Prefixes.
func New(cfg Config) (*Machine, error) {
	pool, err := NewPool(cfg.Prefixes...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if _, err := retry.Defaults(&cfg.Retry, &cfg.SlowRetry); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return &Machine{cfg: cfg, pool: pool, owners: map[ownerKey]*holding{},
		waiting: map[ownerKey]*holding{}}, nil
}

// Step applies one event and returns the effects it causes, in order. A
// rejected event returns an error wrapping one of the package's sentinels
// and leaves the machine unchanged.
func (m *Machine) Step(ev Event) ([]Effect, error) { return m.AppendStep(nil, ev) }

// AppendStep is Step appending the effects to dst; on error dst is returned
// unchanged.
func (m *Machine) AppendStep(dst []Effect, ev Event) ([]Effect, error) {
	out, err := m.appendStep(dst, ev)
	if err != nil {
		return dst, err
	}
	return m.updateReadies(out, eventTime(ev)), nil
}

// eventTime is the event's At.
func eventTime(ev Event) time.Time {
	switch ev := ev.(type) {
	case Observed:
		return ev.At
	case Deleted:
		return ev.At
	case Synced:
		return ev.At
	case LookupResult:
		return ev.At
	case Applied:
		return ev.At
	case RetryDue:
		return ev.At
	}
	return time.Time{}
}

func (m *Machine) appendStep(dst []Effect, ev Event) ([]Effect, error) {
	switch ev := ev.(type) {
	case Observed:
		return m.observe(dst, &ev)
	case Deleted:
		return m.delete(dst, ev)
	case Synced:
		return m.sync(dst, ev), nil
	case LookupResult:
		return m.lookedUp(dst, ev)
	case Applied:
		return m.applied(dst, ev)
	case RetryDue:
		return m.retryDue(dst, ev)
	}
	return dst, &RejectedError{Reason: fmt.Sprintf("%T", ev), Err: ErrInvalidEvent}
}

// held returns the holding of o, checking the UID.
func (m *Machine) held(o Owner) (*holding, error) {
	h := m.owners[o.key()]
	switch {
	case h == nil:
		return nil, &RejectedError{Owner: o, Err: ErrUnknownOwner}
	case o.UID != "" && o.UID != h.owner.UID:
		return nil, &RejectedError{Owner: o, Field: "uid",
			Reason: fmt.Sprintf("held %q, event %q", h.owner.UID, o.UID), Err: ErrUIDMismatch}
	}
	return h, nil
}

// take reserves addrs for h in the pool; it fails, changing nothing, if
// any of them is not free.
func (m *Machine) take(h *holding, addrs []netip.Addr) error {
	var err error
	if len(addrs) == 1 {
		err = m.pool.Allocate(addrs[0])
	} else {
		err = m.pool.AllocateRangeAt(addrs[0], len(addrs))
	}
	if err != nil {
		return err
	}
	h.addrs = addrs
	m.unwait(h)
	return nil
}

func (m *Machine) wait(h *holding) {
	if !h.waiting {
		h.waiting = true
		m.waiting[h.owner.key()] = h
	}
}

func (m *Machine) unwait(h *holding) {
	if h.waiting {
		h.waiting = false
		delete(m.waiting, h.owner.key())
	}
}

// free returns addrs, one address or a contiguous range h held, to the
// pool.
func (m *Machine) free(addrs []netip.Addr) {
	switch {
	case len(addrs) == 1:
		_ = m.pool.Release(addrs[0]) // held, so allocated: cannot fail
	case len(addrs) > 1:
		_ = m.pool.ReleaseRange(addrs[0], len(addrs))
	}
}

// drop returns h's addresses, retiring ones included, to the pool and
// says so. Only forget drops an owner: it does not wait for new ones.
func (m *Machine) drop(out []Effect, h *holding) []Effect {
	out = m.releaseRetiring(out, h)
	if h.addrs == nil {
		return out
	}
	m.free(h.addrs)
	out = append(out, Effect{Kind: Release, Owner: h.owner, Addresses: h.addrs})
	h.addrs = nil
	return out
}

// retire moves h's addresses to its retiring ones, still allocated, so
// that it can be given new ones.
func (m *Machine) retire(h *holding) {
	h.retiring = append(h.retiring, h.addrs...)
	h.addrs = nil
	m.wait(h)
}

// releaseRetiring returns h's retiring addresses to the pool and says so.
func (m *Machine) releaseRetiring(out []Effect, h *holding) []Effect {
	if h.retiring == nil {
		return out
	}
	// A retired range and the next one need not be contiguous.
	for _, a := range h.retiring {
		m.free([]netip.Addr{a})
	}
	out = append(out, Effect{Kind: Release, Owner: h.owner, Addresses: h.retiring})
	h.retiring = nil
	return out
}

// retired releases h's retiring addresses once its status is known to
// record the addresses it holds now and its dependency, if it has one, to
// carry them, and serves the owners waiting.
func (m *Machine) retired(out []Effect, h *holding, at time.Time) []Effect {
	if h.retiring == nil || !h.durable() || h.depends && !h.carries() {
		return out
	}
	return m.serveWaiting(m.releaseRetiring(out, h), at)
}

// allocate gives h new addresses, writes them to its status and, for
// owners with a dependency, ensures it. A full pool leaves h waiting.
func (m *Machine) allocate(out []Effect, h *holding, reason, msg string, at time.Time) []Effect {
	var first netip.Addr
	var err error
	want := int(h.want)
	if want == 1 {
		first, err = m.pool.AllocateNext()
	} else {
		first, err = m.pool.AllocateRange(want)
	}
	if errors.Is(err, ErrPoolFull) {
		m.wait(h)
		return m.setCondition(out, h, condAllocated, false, ReasonPoolExhausted,
			fmt.Sprintf("no %d free contiguous addresses in the pool: waiting for some to come free", h.want), at)
	}
	// A slice of their own: the effects share it, so it is never
	// written again.
	addrs := make([]netip.Addr, want)
	for i, a := 0, first; i < want; i, a = i+1, a.Next() {
		addrs[i] = a
	}
	h.addrs, h.lost = addrs, notLost
	m.unwait(h)
	switch {
	case msg != "":
		var buf [128]byte
		msg = string(appendAddrsText(append(buf[:0], msg...), ": allocated ", addrs, ""))
	}
	out = m.writeStatus(out, h)
	out = m.setCondition(out, h, condAllocated, true, reason, msg, at)
	// The dependency gets the addresses once the status records them.
	return m.ensure(out, h)
}

// room reports whether want addresses could be allocated now. Giving up
// an owner's addresses for new ones that cannot be had would leave it
// with none.
func (m *Machine) room(want int) bool {
	if want == 1 {
		return m.pool.Free() > 0
	}
	// Whether a contiguous range is free is known only by taking it.
	first, err := m.pool.AllocateRange(want)
	if err != nil {
		return false
	}
	_ = m.pool.ReleaseRange(first, want)
	return true
}

// serveWaiting allocates for the owners without addresses, by
// namespace/name, once addresses may have come free.
func (m *Machine) serveWaiting(out []Effect, at time.Time) []Effect {
	if !m.synced || len(m.waiting) == 0 || m.pool.Free() == 0 {
		return out
	}
	for _, h := range m.sorted(m.waiting) {
		out = m.allocateFor(out, h, at)
	}
	return out
}

// sorted returns the holdings of set by namespace/name: effects for many
// owners come out in an order that does not depend on map iteration.
func (m *Machine) sorted(set map[ownerKey]*holding) []*holding {
	hs := slices.AppendSeq(make([]*holding, 0, len(set)), maps.Values(set))
	slices.SortFunc(hs, func(a, b *holding) int { return compareKeys(a.owner.key(), b.owner.key()) })
	return hs
}

// allocateFor allocates for h, saying in the condition why it lost its
// recorded addresses, if it did.
func (m *Machine) allocateFor(out []Effect, h *holding, at time.Time) []Effect {
	switch h.lost {
	case notLost:
		return m.allocate(out, h, ReasonAllocated, "", at)
	case lostTaken:
		return m.allocate(out, h, ReasonAddressTaken, "the address its status recorded is held by an older owner", at)
	default:
		return m.allocate(out, h, ReasonAddressOutOfPool, "the address its status recorded is not in the pool", at)
	}
}

func compareKeys(a, b ownerKey) int {
	if c := strings.Compare(a.namespace, b.namespace); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}
