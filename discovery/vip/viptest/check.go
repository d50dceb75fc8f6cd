package viptest

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/discovery/vip"
)

// Checker watches a VIP machine's inputs and outputs, keeps the
// announcer's view they imply, and reports the first broken invariant:
// nothing advertised or withdrawn before both sources synced (3); at the
// second synced marker the whole desired set advertised at once, with
// withdrawals only of VIPs announced before a restart that no longer
// qualify (4); after sync, the announced set equal to the desired set
// after every step, so no advertisement is lost or late (2); every effect
// a change, listing the services the rules say; rejections exactly where
// the rules say, without effects; outcomes that only schedule retries, and
// due retries that yield the current decision or nothing.
type Checker struct {
	model      *Model
	previously map[netip.Addr]bool
	announced  map[netip.Addr]bool
}

// NewChecker returns a checker for a fresh machine built with cfg.
func NewChecker(cfg vip.Config) *Checker {
	c := &Checker{model: NewModel(cfg.NodeName), previously: map[netip.Addr]bool{}, announced: map[netip.Addr]bool{}}
	for _, a := range cfg.Advertised {
		c.previously[a] = true
	}
	return c
}

// Model returns the reference model the checker keeps.
func (c *Checker) Model() *Model { return c.model }

// Announced returns the VIPs the effects so far leave advertised, sorted.
func (c *Checker) Announced() []netip.Addr {
	return slices.SortedFunc(maps.Keys(c.announced), netip.Addr.Compare)
}

// Observe checks one step: the event, the effects and the error.
func (c *Checker) Observe(ev vip.Event, effects []vip.Effect, err error) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%T%+v -> %v: %s", ev, ev, effects, fmt.Sprintf(format, args...))
	}
	if c.model.Rejects(ev) {
		var rej *vip.RejectedError
		switch {
		case err == nil:
			return fail("the rules reject this event, the machine accepted it")
		case !errors.As(err, &rej):
			return fail("rejection %v is not a *vip.RejectedError", err)
		case len(effects) > 0:
			return fail("a rejected event had effects")
		}
		return nil
	}
	if err != nil {
		return fail("the machine rejected a valid event: %v", err)
	}
	switch ev.(type) {
	case vip.Applied:
		for _, e := range effects {
			if e.Kind != vip.RetryAfter {
				return fail("an outcome only schedules retries")
			}
		}
		return nil
	case vip.RetryDue:
		return c.retried(effects, fail)
	}
	wasSynced := c.model.Synced()
	c.model.Apply(ev)
	if !c.model.Synced() {
		if len(effects) > 0 {
			return fail("invariant 3: effects before both sources synced")
		}
		return nil
	}
	desired := c.model.Desired()
	if !wasSynced {
		return c.checkSync(effects, desired, fail)
	}
	for _, e := range effects {
		switch {
		case e.Kind == vip.Advertise && c.announced[e.VIP]:
			return fail("%v: already advertised", e)
		case e.Kind == vip.Withdraw && !c.announced[e.VIP]:
			return fail("%v: not advertised", e)
		}
		if p := c.justified(e, desired); p != "" {
			return fail("%v: %s", e, p)
		}
		if e.Kind == vip.Advertise {
			c.announced[e.VIP] = true
		} else {
			delete(c.announced, e.VIP)
		}
	}
	return c.same(desired, fail)
}

// checkSync checks the step that completed the sync: one pass by address.
func (c *Checker) checkSync(effects []vip.Effect, desired map[netip.Addr][]string, fail func(string, ...any) error) error {
	var want []netip.Addr
	for a := range desired {
		want = append(want, a)
	}
	for a := range c.previously {
		if desired[a] == nil {
			want = append(want, a)
		}
	}
	slices.SortFunc(want, netip.Addr.Compare)
	if len(effects) != len(want) {
		return fail("invariant 4/2: %d effects at sync, want one for each of %v", len(effects), want)
	}
	for i, e := range effects {
		if e.VIP != want[i] {
			return fail("effect %d is for %v, want %v (all desired and stale VIPs, by address)", i, e.VIP, want[i])
		}
		wantKind := vip.Advertise
		if desired[e.VIP] == nil {
			wantKind = vip.Withdraw
		}
		if e.Kind != wantKind {
			return fail("invariant 4: %v, want %v: a valid VIP withdrawn or a stale one advertised", e, wantKind)
		}
		if p := c.justified(e, desired); p != "" {
			return fail("%v: %s", e, p)
		}
		if e.Kind == vip.Advertise {
			c.announced[e.VIP] = true
		}
	}
	return c.same(desired, fail)
}

// retried checks a due retry's effects: nothing, a Commit, or the current
// decision for one VIP, which may repeat what was told before, since the
// write that told it failed.
func (c *Checker) retried(effects []vip.Effect, fail func(string, ...any) error) error {
	if len(effects) > 1 {
		return fail("a retry yields one effect at most")
	}
	for _, e := range effects {
		if e.Kind == vip.Commit {
			continue
		}
		if p := c.justified(e, c.model.Desired()); p != "" {
			return fail("%v: %s", e, p)
		}
		if e.Kind == vip.Advertise {
			c.announced[e.VIP] = true
		} else {
			delete(c.announced, e.VIP)
		}
	}
	return nil
}

func (c *Checker) justified(e vip.Effect, desired map[netip.Addr][]string) string {
	want := desired[e.VIP]
	if e.Kind == vip.Withdraw {
		if want != nil {
			return "invariant 2: withdrew a qualifying VIP"
		}
		want = c.model.Users(e.VIP)
	}
	if !slices.Equal(e.Services, want) {
		return fmt.Sprintf("services %v, want %v", e.Services, want)
	}
	return ""
}

func (c *Checker) same(desired map[netip.Addr][]string, fail func(string, ...any) error) error {
	for a := range desired {
		if !c.announced[a] {
			return fail("invariant 2: %v qualifies (%v) but is not advertised", a, desired[a])
		}
	}
	for a := range c.announced {
		if desired[a] == nil {
			return fail("invariant 2: %v is advertised but does not qualify", a)
		}
	}
	return nil
}
