package mcstest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// Run is one generated world played through a machine: a simulated
// API server and informers that deliver each object's events in order,
// interleaved as rapid draws them, apply the machine's effects and deliver
// their writes back.
type Run struct {
	// World is the generated world being played.
	World World
	// Machine is the machine under test, fed the world's events and the
	// outcomes of its own effects.
	Machine *mcs.Machine
	// Log is every event stepped, in order.
	Log []mcs.Event
	// Effects are the effects of each event of Log, at the same index.
	Effects [][]mcs.Effect
	// Owned are the imports this cluster owns in the simulated API
	// server, by namespace/name.
	Owned map[string]mcs.Import
	// Foreign are the imports of other clusters as delivered, by
	// Import.String.
	Foreign map[string]mcs.Import
	// Exports are the exports as delivered, by namespace/name.
	Exports map[string]mcs.ExportObserved
	// Conditions are the exports' status conditions as the machine's
	// effects wrote them, by namespace/name.
	Conditions map[string][]metav1.Condition

	checker     *Checker
	queues      []*exportQueue
	ownedQueues map[string]*exportQueue
	synced      [2]bool // ExportsSynced, ImportsSynced delivered
	clock       time.Time
	faults      *exportFaults // nil: every write is Done and no outcome is reported
}

type exportQueue struct {
	source Source
	listed int
	events []mcs.Event
}

// maxExportSteps bounds a run: the machine must settle long before.
const maxExportSteps = 2000

// Play plays w through a fresh machine until nothing is left to
// deliver, checking every step with a Checker.
func Play(t *rapid.T, w World) (*Run, error) {
	r, err := newExportRun(w)
	if err != nil {
		return nil, err
	}
	return r, r.run(t)
}

func newExportRun(w World) (*Run, error) {
	m, err := mcs.New(w.Config)
	if err != nil {
		return nil, err
	}
	r := &Run{World: w, Machine: m, Owned: map[string]mcs.Import{}, Foreign: map[string]mcs.Import{},
		Exports: map[string]mcs.ExportObserved{}, Conditions: map[string][]metav1.Condition{},
		checker: NewChecker(w.Config.ClusterID), ownedQueues: map[string]*exportQueue{}, clock: Epoch.Add(24 * time.Hour)}
	for _, h := range w.Histories {
		q := &exportQueue{source: h.Source, listed: h.Listed, events: slices.Clone(h.Events)}
		r.queues = append(r.queues, q)
		if ev, ok := first(h).(mcs.ImportObserved); ok && ev.Import.Owner == w.Config.ClusterID {
			r.Owned[key(ev.Import.Namespace, ev.Import.Name)] = ev.Import
			r.ownedQueues[key(ev.Import.Namespace, ev.Import.Name)] = q
		}
	}
	return r, nil
}

func (r *Run) run(t *rapid.T) error {
	for range maxExportSteps {
		next := r.candidates()
		if len(next) == 0 {
			return nil
		}
		if err := r.deliver(t, next[rapid.IntRange(0, len(next)-1).Draw(t, "next")]); err != nil {
			return err
		}
	}
	return fmt.Errorf("no quiescence after %d steps", maxExportSteps)
}

func first(h History) mcs.Event {
	if len(h.Events) == 0 {
		return nil
	}
	return h.Events[0]
}

func key(ns, name string) string { return ns + "/" + name }

// candidates lists what may be delivered next: the head of any queue, a
// source's synced marker once its initial list is out (-1 exports, -2
// imports), or a pending retry timer (-3 and below).
func (r *Run) candidates() []int {
	var out []int
	listed := [2]bool{true, true}
	for i, q := range r.queues {
		if len(q.events) > 0 {
			out = append(out, i)
		}
		if q.listed > 0 {
			listed[q.source-1] = false
		}
	}
	for s := range 2 {
		if listed[s] && !r.synced[s] {
			out = append(out, -1-s)
		}
	}
	if r.faults != nil {
		for j := range r.faults.pending() {
			out = append(out, -3-j)
		}
	}
	return out
}

func (r *Run) deliver(t *rapid.T, i int) error {
	r.clock = r.clock.Add(time.Second)
	if r.faults != nil {
		r.faults.tick(t)
	}
	var ev mcs.Event
	switch i {
	case -1:
		r.synced[0] = true
		ev = mcs.ExportsSynced{At: r.clock}
	case -2:
		r.synced[1] = true
		ev = mcs.ImportsSynced{At: r.clock}
	default:
		if i <= -3 {
			return r.fire(t, -3-i)
		}
		q := r.queues[i]
		ev = q.events[0]
		q.events = q.events[1:]
		q.listed = max(q.listed-1, 0)
		ev = r.stamp(ev)
	}
	effects, err := r.step(ev)
	if err != nil {
		return err
	}
	return r.apply(t, effects)
}

// step steps ev through the machine and the checker.
func (r *Run) step(ev mcs.Event) ([]mcs.Effect, error) {
	effects, err := r.Machine.Step(ev)
	if err != nil {
		return nil, fmt.Errorf("%T%+v rejected: %w", ev, ev, err)
	}
	r.Log = append(r.Log, ev)
	r.Effects = append(r.Effects, effects)
	if r.faults != nil {
		r.faults.observe(r, ev, effects)
	}
	return effects, r.checker.Observe(ev, effects)
}

// stamp fills in what the informer would deliver now: the time and, for
// an export, the conditions its status holds.
func (r *Run) stamp(ev mcs.Event) mcs.Event {
	switch e := ev.(type) {
	case mcs.ExportObserved:
		k := key(e.Namespace, e.Name)
		e.At, e.Conditions = r.clock, slices.Clone(r.Conditions[k])
		r.Exports[k] = e
		return e
	case mcs.ExportDeleted:
		k := key(e.Namespace, e.Name)
		delete(r.Exports, k)
		delete(r.Conditions, k)
		e.At = r.clock
		return e
	case mcs.ImportObserved:
		if e.Import.Owner != r.World.Config.ClusterID {
			r.Foreign[e.Import.String()] = e.Import
		}
		e.At = r.clock
		return e
	case mcs.ImportDeleted:
		if e.Owner != r.World.Config.ClusterID {
			delete(r.Foreign, mcs.Import{Namespace: e.Namespace, Name: e.Name, Owner: e.Owner}.String())
		}
		e.At = r.clock
		return e
	}
	return ev
}

// apply writes effects into the API server; writes to imports come back
// through their informer, after whatever it still has to deliver for them.
// With faults, a write may fail or lose its answer, and each write's
// outcome is reported to the machine after the step's writes, in order.
func (r *Run) apply(t *rapid.T, effects []mcs.Effect) error {
	var outcomes []mcs.Event
	conds := map[string]bool{} // exports whose conditions this step wrote, and whether that landed
	for _, e := range effects {
		switch e.Kind {
		case mcs.ExportSetCondition:
			k := key(e.Namespace, e.Name)
			landed, seen := conds[k]
			if !seen {
				var o mcs.Applied
				o, landed = r.outcome(t, e.Namespace, e.Name, e.Kind)
				conds[k] = landed
				outcomes = append(outcomes, o)
			}
			if _, ok := r.Exports[k]; ok && landed {
				conds := r.Conditions[k]
				meta.SetStatusCondition(&conds, e.Condition)
				r.Conditions[k] = conds
			}
		case mcs.ImportUpsert:
			k := key(e.Import.Namespace, e.Import.Name)
			o, landed := r.outcome(t, e.Import.Namespace, e.Import.Name, e.Kind)
			outcomes = append(outcomes, o)
			if landed {
				r.Owned[k] = e.Import
				r.ownedQueue(k).events = append(r.ownedQueue(k).events, mcs.ImportObserved{Import: e.Import})
			}
		case mcs.ImportDelete:
			k := key(e.Import.Namespace, e.Import.Name)
			o, landed := r.outcome(t, e.Import.Namespace, e.Import.Name, e.Kind)
			outcomes = append(outcomes, o)
			if _, ok := r.Owned[k]; ok && landed { // else NotFound: nothing to do
				delete(r.Owned, k)
				r.ownedQueue(k).events = append(r.ownedQueue(k).events,
					mcs.ImportDeleted{Namespace: e.Import.Namespace, Name: e.Import.Name, Owner: e.Import.Owner})
			}
		}
	}
	if r.faults == nil {
		return nil
	}
	for _, ev := range outcomes {
		effects, err := r.step(ev)
		if err != nil {
			return err
		}
		for _, e := range effects {
			if e.Kind != mcs.RetryAfter {
				return fmt.Errorf("an outcome %+v caused %v: outcomes only schedule retries", ev, e)
			}
		}
	}
	return nil
}

func (r *Run) ownedQueue(k string) *exportQueue {
	q := r.ownedQueues[k]
	if q == nil {
		q = &exportQueue{source: SourceImports}
		r.ownedQueues[k] = q
		r.queues = append(r.queues, q)
	}
	return q
}

// Check compares the settled world with the model's expectation: the
// imports this cluster owns and its exports' conditions (invariant 1).
func (r *Run) Check(want Expectation) error {
	var got []mcs.Import
	for _, k := range slices.Sorted(maps.Keys(r.Owned)) {
		got = append(got, Normalized(r.Owned[k]))
	}
	if !slices.EqualFunc(got, want.Imports, mcs.Import.Equal) {
		return fmt.Errorf("invariant 1: owned imports %s, want %s", detail(got), detail(want.Imports))
	}
	if !slices.Equal(slices.Sorted(maps.Keys(r.Exports)), slices.Sorted(maps.Keys(want.Conditions))) {
		return fmt.Errorf("exports %v, want %v", slices.Sorted(maps.Keys(r.Exports)), slices.Sorted(maps.Keys(want.Conditions)))
	}
	for k, wc := range want.Conditions {
		var gc []Condition
		for _, c := range r.Conditions[k] {
			gc = append(gc, Condition{c.Type, string(c.Status), c.Reason, c.Message})
		}
		if !slices.Equal(gc, wc) {
			return fmt.Errorf("invariant 1: export %s has conditions %v, want %v", k, gc, wc)
		}
	}
	return nil
}

// Restart relists the settled world into a fresh machine, in an order rapid
// draws, each source's synced marker anywhere after its own objects. It
// returns an error if the machine asks for any write (invariant 4: no
// create, no update, no delete, no condition).
func (r *Run) Restart(t *rapid.T) error {
	m, err := mcs.New(r.World.Config)
	if err != nil {
		return err
	}
	var exports, imports []mcs.Event
	for _, k := range slices.Sorted(maps.Keys(r.Exports)) {
		e := r.Exports[k]
		e.Conditions = slices.Clone(r.Conditions[k])
		exports = append(exports, e)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Owned)) {
		imports = append(imports, mcs.ImportObserved{Import: r.Owned[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(r.Foreign)) {
		imports = append(imports, mcs.ImportObserved{Import: r.Foreign[k]})
	}
	relist := rapid.Permutation(slices.Concat(exports, imports)).Draw(t, "relist")
	lastOf := func(imp bool) int {
		last := -1
		for i, ev := range relist {
			if _, isExport := ev.(mcs.ExportObserved); isExport != imp {
				last = i
			}
		}
		return last
	}
	at := map[int][]mcs.Event{}
	for _, s := range []struct {
		ev  mcs.Event
		imp bool
	}{{mcs.ExportsSynced{}, false}, {mcs.ImportsSynced{}, true}} {
		pos := rapid.IntRange(lastOf(s.imp)+1, len(relist)).Draw(t, "syncedAt")
		at[pos] = append(at[pos], s.ev)
	}
	checker := NewChecker(r.World.Config.ClusterID)
	for i := 0; i <= len(relist); i++ {
		evs := at[i]
		if i < len(relist) {
			evs = append([]mcs.Event{relist[i]}, evs...)
		}
		for _, ev := range evs {
			effects, err := m.Step(ev)
			if err != nil {
				return fmt.Errorf("restart: %T%+v rejected: %w", ev, ev, err)
			}
			if err := checker.Observe(ev, effects); err != nil {
				return fmt.Errorf("restart: %w", err)
			}
			if len(effects) > 0 {
				return fmt.Errorf("invariant 4: a restart against an unchanged world: %T -> %v", ev, effects)
			}
		}
	}
	return nil
}

// Replay steps log through a fresh machine and returns the effects of
// each event, for determinism checks (invariant 5).
func Replay(cfg mcs.Config, log []mcs.Event) ([][]mcs.Effect, error) {
	m, err := mcs.New(cfg)
	if err != nil {
		return nil, err
	}
	out := make([][]mcs.Effect, len(log))
	for i, ev := range log {
		if out[i], err = m.Step(ev); err != nil {
			return out, err
		}
	}
	return out, nil
}

// detail prints imports with everything Equal compares.
func detail(imps []mcs.Import) string {
	var b strings.Builder
	for _, i := range imps {
		fmt.Fprintf(&b, "[%v %s %v created %s] ", i, i.Type, i.Ports, i.ExportCreatedAt.Format(time.RFC3339))
	}
	return b.String()
}
