package endpointtest

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/meshstate/meshstate/endpoint"
)

// Violation describes a broken invariant: the event that broke it, the
// notifications it caused and what is wrong.
type Violation struct {
	// Event is the event whose step broke the invariant.
	Event endpoint.Event
	// Effects are what the machine returned for Event.
	Effects []endpoint.Effect
	// Problem says which invariant broke and how, for a person.
	Problem string
}

// Error implements error.
func (v *Violation) Error() string {
	return fmt.Sprintf("invariant violated by %s -> %v: %s", eventLine(v.Event), v.Effects, v.Problem)
}

// Checker watches a machine's inputs and outputs and reports the first
// broken invariant of the package: once synced, every cluster with a present
// endpoint has exactly one active endpoint as handlers see it, and it is the
// greatest present one (1); every announced endpoint retired exactly once,
// at its deletion, and nothing announced that is not present (2); no
// Removed for a superseded endpoint (3); no notification for updates of a
// stale endpoint (4); rejections exactly where the rules say, changing
// nothing. A Created kind may name an endpoint announced before and not yet
// retired, when it becomes active again after its superseder's deletion. It needs only the notification stream, so it can sit in front of
// any handler.
type Checker struct {
	local     string
	model     *Model
	announced map[string]endpoint.Endpoint // announced and not yet retired
	active    map[string]string            // cluster -> name, as handlers see it
}

// NewChecker returns a checker for a machine configured with the given
// local cluster ID and the default order.
func NewChecker(localClusterID string) *Checker {
	c := &Checker{local: localClusterID}
	c.Restart()
	return c
}

// Restart forgets everything, as a controller restart does: the next events
// go to a fresh machine.
func (c *Checker) Restart() {
	c.model = NewModel()
	c.announced = map[string]endpoint.Endpoint{}
	c.active = map[string]string{}
}

// Model exposes the reference model the checker keeps.
func (c *Checker) Model() *Model { return c.model }

// Announced returns the endpoints announced and not yet retired, by name: the
// endpoints a health checker should be probing.
func (c *Checker) Announced() map[string]endpoint.Endpoint { return maps.Clone(c.announced) }

// Observe checks one step: the event given to the machine, the notifications
// it returned and its error. It returns a *Violation or nil.
func (c *Checker) Observe(ev endpoint.Event, ns []endpoint.Effect, err error) error {
	fail := func(format string, args ...any) error {
		return &Violation{Event: ev, Effects: ns, Problem: fmt.Sprintf(format, args...)}
	}
	if c.model.Rejects(ev) {
		var rej *endpoint.RejectedError
		switch {
		case err == nil:
			return fail("the rules reject this event, the machine accepted it")
		case !errors.As(err, &rej):
			return fail("rejection %v is not a *endpoint.RejectedError", err)
		case len(ns) > 0:
			return fail("a rejected event produced notifications")
		}
		return nil
	}
	if err != nil {
		return fail("the machine rejected a valid event: %v", err)
	}
	staleBefore := c.staleUpdate(ev)
	deleted := c.deletedBy(ev)
	c.model.Apply(ev)
	if !c.model.Synced() && len(ns) > 0 {
		return fail("notifications before the initial list was synced")
	}
	if staleBefore && len(ns) > 0 {
		return fail("an update of a stale endpoint announced something")
	}
	for _, n := range ns {
		if p := c.apply(n, deleted); p != "" {
			return fail("%v: %s", n, p)
		}
	}
	return c.settled(fail)
}

// staleUpdate reports whether ev updates (same object) a stale endpoint.
func (c *Checker) staleUpdate(ev endpoint.Event) bool {
	u, ok := ev.(endpoint.Upsert)
	if !ok {
		return false
	}
	old, ok := c.model.Present(u.Endpoint.Name)
	sameObject := old.UID == "" || u.Endpoint.UID == "" || old.UID == u.Endpoint.UID
	return ok && sameObject && c.model.Stale(old.Name)
}

// deletedBy returns the name ev deletes: a Delete, or an Upsert replacing
// an object of the same name with a new UID.
func (c *Checker) deletedBy(ev endpoint.Event) string {
	switch ev := ev.(type) {
	case endpoint.Delete:
		return ev.Name
	case endpoint.Upsert:
		old, ok := c.model.Present(ev.Endpoint.Name)
		if ok && old.UID != "" && ev.Endpoint.UID != "" && old.UID != ev.Endpoint.UID {
			return old.Name
		}
	}
	return ""
}

// apply checks one notification against the handlers' view and updates it.
func (c *Checker) apply(n endpoint.Effect, deleted string) string {
	ep := n.Endpoint
	if n.Kind.Local() != (c.local != "" && ep.ClusterID == c.local) {
		return "local/remote kind does not match the cluster"
	}
	_, announced := c.announced[ep.Name]
	switch {
	case n.Kind.Announces():
		// An endpoint announced, superseded and not yet retired is
		// announced again when it becomes active once more: handlers that
		// keep one endpoint per cluster replaced it and must learn it is
		// back. Its retirement still comes once, at its deletion.
		want, ok := c.model.Active(ep.ClusterID)
		if !ok || want.Name != ep.Name || c.active[ep.ClusterID] == ep.Name {
			return "announces an endpoint that is not the cluster's newly active one"
		}
		c.announced[ep.Name] = ep
		c.active[ep.ClusterID] = ep.Name
	case n.Kind.Retires():
		if !announced || ep.Name != deleted {
			return "retires an endpoint that was not announced or not deleted by this event"
		}
		if wasActive := c.active[ep.ClusterID] == ep.Name; wasActive == n.Kind.Stale() {
			return "Removed for a superseded endpoint, or stale removal for the active one"
		}
		if !n.Kind.Stale() {
			delete(c.active, ep.ClusterID)
		}
		delete(c.announced, ep.Name)
	default: // Updated
		cur, ok := c.model.Present(ep.Name)
		if c.active[ep.ClusterID] != ep.Name || !ok || !cur.Equal(&ep) {
			return "updates an endpoint that is not the cluster's active one, or carries old content"
		}
		c.announced[ep.Name] = ep
	}
	return ""
}

// settled checks the state after a step: the handlers' view of the active
// endpoints matches the model, and nothing deleted is still announced.
func (c *Checker) settled(fail func(string, ...any) error) error {
	if !c.model.Synced() {
		return nil
	}
	for _, cluster := range c.model.Clusters() {
		want, _ := c.model.Active(cluster) // every cluster with a present endpoint has one
		if got := c.active[cluster]; got != want.Name {
			return fail("cluster %s: handlers see %q active, want %q", cluster, got, want.Name)
		}
	}
	for _, cluster := range slices.Sorted(maps.Keys(c.active)) {
		if _, ok := c.model.Active(cluster); !ok {
			return fail("cluster %s: handlers still see %q active, want none", cluster, c.active[cluster])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.announced)) {
		if _, ok := c.model.Present(name); !ok {
			return fail("%s was deleted but never retired", name)
		}
	}
	return nil
}

// CheckMachine compares the machine's queries with the model: Active per
// cluster, Get and Stale per present endpoint, Clusters and Stats.
func (c *Checker) CheckMachine(m *endpoint.Machine) error {
	model := c.model
	if got, want := m.Clusters(), model.Clusters(); !slices.Equal(got, want) {
		return fmt.Errorf("Clusters() = %v, model %v", got, want)
	}
	for _, cluster := range model.Clusters() {
		got, gok := m.Active(cluster)
		want, wok := model.Active(cluster)
		if gok != wok || gok && !got.Equal(&want) {
			return fmt.Errorf("Active(%s) = %q %v, model %q %v", cluster, got.Name, gok, want.Name, wok)
		}
	}
	objects := model.Objects()
	for _, want := range objects {
		got, ok := m.Get(want.Name)
		if !ok || !got.Equal(&want) {
			return fmt.Errorf("Get(%s) = %+v %v, model %+v", want.Name, got, ok, want)
		}
		if m.Stale(want.Name) != model.Stale(want.Name) {
			return fmt.Errorf("Stale(%s) = %v, model %v", want.Name, m.Stale(want.Name), model.Stale(want.Name))
		}
	}
	if s := m.Stats(); s.Endpoints != len(objects) || s.Clusters != len(model.Clusters()) || s.Announced != len(c.announced) && model.Synced() {
		return fmt.Errorf("Stats() = %+v, model has %d endpoints in %d clusters, %d announced", s, len(objects), len(model.Clusters()), len(c.announced))
	}
	return nil
}
