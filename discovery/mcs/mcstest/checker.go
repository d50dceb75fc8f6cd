package mcstest

import (
	"fmt"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// Checker watches an export machine's events and effects and reports
// the first broken rule: nothing deleted before both sources synced, and
// in this machine's design nothing emitted at all before then (3); no
// import written or deleted that carries another cluster's label or none
// (3); no second deletion of an import that was neither observed again
// nor recreated since the first, unless the first is not known to have
// landed (its outcome was not Done).
type Checker struct {
	clusterID     string
	exportsSynced bool
	importsSynced bool
	deleted       map[string]bool // deletions asked for and not observed since
}

// NewChecker returns a checker for a machine of the given cluster.
func NewChecker(clusterID string) *Checker {
	return &Checker{clusterID: clusterID, deleted: map[string]bool{}}
}

// Observe checks one step: the event and the effects it caused.
func (c *Checker) Observe(ev mcs.Event, effects []mcs.Effect) error {
	switch ev := ev.(type) {
	case mcs.ExportsSynced:
		c.exportsSynced = true
	case mcs.ImportsSynced:
		c.importsSynced = true
	case mcs.ImportObserved:
		delete(c.deleted, ev.Import.String())
	case mcs.ImportDeleted:
		delete(c.deleted, mcs.Import{Namespace: ev.Namespace, Name: ev.Name, Owner: ev.Owner}.String())
	case mcs.Applied:
		if ev.Effect == mcs.ImportDelete && ev.Outcome != mcs.Done {
			// Not known to have landed: its retry may delete again.
			delete(c.deleted, mcs.Import{Namespace: ev.Namespace, Name: ev.Name, Owner: c.clusterID}.String())
		}
	}
	synced := c.exportsSynced && c.importsSynced
	for _, e := range effects {
		if !synced {
			return fmt.Errorf("invariant 3: %v before both sources synced (exports %v, imports %v)", e, c.exportsSynced, c.importsSynced)
		}
		if e.Kind == mcs.ExportSetCondition || e.Kind == mcs.RetryAfter {
			continue
		}
		if e.Import.Owner != c.clusterID {
			return fmt.Errorf("invariant 3: %v touches an import this cluster (%s) does not own", e, c.clusterID)
		}
		k := e.Import.String()
		if e.Kind == mcs.ImportUpsert {
			delete(c.deleted, k) // recreated: it may need deleting again
			continue
		}
		if c.deleted[k] {
			return fmt.Errorf("deleted once: %v again, and the import was neither observed nor recreated since", e)
		}
		c.deleted[k] = true
	}
	return nil
}
