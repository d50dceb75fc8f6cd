package mcstest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/lookup"
)

// exportRetryKey is a retry's identity: its kind and the service's
// namespace/name.
type exportRetryKey struct {
	kind mcs.RetryKind
	key  string
}

// exportFaults is the faulty side of an Run: writes that fail,
// conflict or lose their answer while faults are on, and a timer set with
// one timer per retry key and kind.
type exportFaults struct {
	on     bool
	calm   int // deliveries left before faults stop
	timers map[exportRetryKey]bool
	// superseded: keys whose pending retry a newer effect, an observation
	// or a Done has made moot since its RetryAfter.
	superseded map[exportRetryKey]bool
}

// RunFaults plays w like Run, but while faults are on (for a
// number of deliveries rapid draws) each write fails, conflicts, loses its
// answer (Unknown: it landed or not) or is Done, and its outcome is
// reported; the machine's retries fire at any later point. It checks that
// a superseded retry yields nothing (6) and that a due retry emits the
// current decision or nothing, never what was wanted when its write
// failed (7). The run ends when nothing is left to deliver and no retry is
// pending; Check then tells whether it converged (8).
func RunFaults(t *rapid.T, w World) (*Run, error) {
	r, err := newExportRun(w)
	if err != nil {
		return nil, err
	}
	r.faults = &exportFaults{on: true, calm: rapid.IntRange(0, 40).Draw(t, "faultsFor"),
		timers: map[exportRetryKey]bool{}, superseded: map[exportRetryKey]bool{}}
	return r, r.run(t)
}

func (f *exportFaults) tick(*rapid.T) {
	if f.calm--; f.calm < 0 {
		f.on = false
	}
}

func (f *exportFaults) pending() []exportRetryKey {
	return slices.SortedFunc(maps.Keys(f.timers), func(a, b exportRetryKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.key, b.key))
	})
}

// observe tracks what supersedes pending retries.
func (f *exportFaults) observe(r *Run, ev mcs.Event, effects []mcs.Effect) {
	own := r.World.Config.ClusterID
	switch ev := ev.(type) {
	case mcs.ImportObserved:
		if ev.Import.Owner == own {
			f.superseded[exportRetryKey{mcs.RetryImport, key(ev.Import.Namespace, ev.Import.Name)}] = true
		}
	case mcs.ImportDeleted:
		if ev.Owner == own {
			f.superseded[exportRetryKey{mcs.RetryImport, key(ev.Namespace, ev.Name)}] = true
		}
	case mcs.ExportObserved:
		f.superseded[exportRetryKey{mcs.RetryConditions, key(ev.Namespace, ev.Name)}] = true
	case mcs.ExportDeleted:
		f.superseded[exportRetryKey{mcs.RetryConditions, key(ev.Namespace, ev.Name)}] = true
	case mcs.Applied:
		if ev.Outcome == mcs.Done {
			f.superseded[exportRetryKey{retryKindOf(ev.Effect), key(ev.Namespace, ev.Name)}] = true
		}
	}
	for _, e := range effects {
		switch e.Kind {
		case mcs.ImportUpsert, mcs.ImportDelete:
			f.superseded[exportRetryKey{mcs.RetryImport, key(e.Import.Namespace, e.Import.Name)}] = true
		case mcs.ExportSetCondition:
			f.superseded[exportRetryKey{mcs.RetryConditions, key(e.Namespace, e.Name)}] = true
		case mcs.RetryAfter:
			k := exportRetryKey{e.Retry, key(e.Namespace, e.Name)}
			f.timers[k] = true // AddAfter: replaces the key's pending timer
			delete(f.superseded, k)
		}
	}
}

func retryKindOf(k mcs.Kind) mcs.RetryKind {
	if k == mcs.ExportSetCondition {
		return mcs.RetryConditions
	}
	return mcs.RetryImport
}

// outcome draws how a write ends, and whether it landed: Done always
// does, Failed and Conflict never, Unknown either way.
func (r *Run) outcome(t *rapid.T, ns, name string, kind mcs.Kind) (mcs.Applied, bool) {
	o := mcs.Applied{Namespace: ns, Name: name, Effect: kind, Outcome: mcs.Done, At: r.clock}
	if r.faults == nil || !r.faults.on {
		return o, true
	}
	landed := false
	switch rapid.IntRange(0, 5).Draw(t, "outcome") {
	case 0:
		o.Outcome, o.Class = mcs.Failed, lookup.Transient
	case 1:
		o.Outcome, o.Class = mcs.Failed, lookup.Permanent
	case 2:
		o.Outcome = mcs.Conflict
	case 3:
		o.Outcome, landed = mcs.Unknown, rapid.Bool().Draw(t, "landed")
	default:
		landed = true
	}
	return o, landed
}

// fire delivers the j-th pending retry and checks what the machine makes
// of it.
func (r *Run) fire(t *rapid.T, j int) error {
	f := r.faults
	k := f.pending()[j]
	delete(f.timers, k)
	moot := f.superseded[k]
	delete(f.superseded, k)
	ns, name := splitKey(k.key)
	ev := mcs.RetryDue{Kind: k.kind, Namespace: ns, Name: name, At: r.clock}
	effects, err := r.step(ev)
	if err != nil {
		return err
	}
	if moot && len(effects) > 0 {
		return fmt.Errorf("invariant 6: a superseded retry %+v yielded %v", ev, effects)
	}
	for _, e := range effects {
		if err := r.isCurrent(k, e); err != nil {
			return fmt.Errorf("invariant 7: retry %+v: %w", ev, err)
		}
	}
	return r.apply(t, effects)
}

// isCurrent checks an effect of a retry of k against the model's decision
// from what has been delivered so far.
func (r *Run) isCurrent(k exportRetryKey, e mcs.Effect) error {
	own := r.World.Config.ClusterID
	exp, ok := r.Exports[k.key]
	self, valid := mcs.Import{}, false
	if ok {
		self, valid = ImportFor(own, exp)
	}
	switch {
	case k.kind == mcs.RetryImport && e.Kind == mcs.ImportUpsert:
		if !valid || !Normalized(e.Import).Equal(self) {
			return fmt.Errorf("wrote %s, the export now asks for %v", detail([]mcs.Import{e.Import}), valid)
		}
	case k.kind == mcs.RetryImport && e.Kind == mcs.ImportDelete:
		if valid || key(e.Import.Namespace, e.Import.Name) != k.key || e.Import.Owner != own {
			return fmt.Errorf("deleted %v, the export now asks for %s", e.Import, detail([]mcs.Import{self}))
		}
	case k.kind == mcs.RetryConditions && e.Kind == mcs.ExportSetCondition && ok:
		var peers []mcs.Import
		for _, imp := range r.Foreign {
			if key(imp.Namespace, imp.Name) == k.key && imp.Owner != "" {
				peers = append(peers, imp)
			}
		}
		want := map[string]Condition{"Valid": validity(exp), "Conflict": conflictOf(self, valid, peers)}
		c := e.Condition
		if got := (Condition{c.Type, string(c.Status), c.Reason, c.Message}); got != want[c.Type] {
			return fmt.Errorf("set %v, the world now says %v", got, want[c.Type])
		}
	default:
		return fmt.Errorf("%v is not a %v retry's effect", e, k.kind)
	}
	return nil
}

// splitKey splits namespace/name.
func splitKey(k string) (ns, name string) {
	for i := range len(k) {
		if k[i] == '/' {
			return k[:i], k[i+1:]
		}
	}
	return "", k
}
