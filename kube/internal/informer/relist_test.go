package informer

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	"pgregory.net/rapid"
)

// sim is client-go's informer as the batcher sees it (AtomicFIFO, the
// v0.36 default): a store that a watch event or a relist changes at once,
// and a pipeline of notifications that reaches the handler later, in
// order. A relist's notifications are its tombstones, then an add or an
// update for each new or changed object (an unchanged one notifies
// nothing, as sharedIndexInformer.OnUpdate drops a same-version update
// for handlers without resync).
type sim struct {
	server  map[string]int // key -> resource version
	store   map[string]*corev1.ConfigMap
	pending []note
	notes   []note // every note ever made, by id
	rv      int
	relists int
	cut     bool // the watch is down: changes reach only a relist
	steps   int
}

// note is one handler callback; obj is unique to it, so the output item
// that carries it can be traced back.
type note struct {
	id     int
	op     Op
	tomb   bool
	key    string
	obj    *corev1.ConfigMap
	relist int // the relist it belongs to, or 0 for a watch event
	// queued and delivered are the sim's step counts when the informer
	// queued the note and when the handler got it.
	queued, delivered int
}

func newSim() *sim {
	return &sim{server: map[string]int{}, store: map[string]*corev1.ConfigMap{}}
}

func (s *sim) List() []any {
	out := make([]any, 0, len(s.store))
	for _, k := range slices.Sorted(maps.Keys(s.store)) {
		out = append(out, s.store[k])
	}
	return out
}

func object(key string, rv int) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: key[3:], ResourceVersion: strconv.Itoa(rv)}}
}

func (s *sim) queue(op Op, tomb bool, key string, rv, relist int) {
	s.steps++
	n := note{id: len(s.notes), op: op, tomb: tomb, key: key, obj: object(key, rv), relist: relist, queued: s.steps}
	s.notes = append(s.notes, n)
	s.pending = append(s.pending, n)
}

// change sets (or, with del, deletes) key on the server; while the watch
// is up the change reaches the store and the pipeline, while it is cut
// only the next relist finds it.
func (s *sim) change(key string, del bool) {
	s.rv++
	_, existed := s.server[key]
	if del {
		if !existed {
			return
		}
		delete(s.server, key)
	} else {
		s.server[key] = s.rv
	}
	if s.cut {
		return
	}
	switch {
	case del:
		s.queue(Delete, false, key, rvOf(s.store[key]), 0)
		delete(s.store, key)
	default:
		s.queue(Upsert, false, key, s.rv, 0)
		s.store[key] = object(key, s.rv)
	}
}

// relist lists the server: tombstones for what the store holds that the
// server does not, then what is new or changed; the store is replaced
// before any of it is notified, as processReplacedAllInfo does.
func (s *sim) relist() {
	s.relists++
	s.cut = false
	for _, k := range slices.Sorted(maps.Keys(s.store)) {
		if _, ok := s.server[k]; !ok {
			s.queue(Delete, true, k, rvOf(s.store[k]), s.relists)
		}
	}
	next := map[string]*corev1.ConfigMap{}
	for _, k := range slices.Sorted(maps.Keys(s.server)) {
		rv := s.server[k]
		if old, ok := s.store[k]; !ok || rvOf(old) != rv {
			s.queue(Upsert, false, k, rv, s.relists)
		}
		next[k] = object(k, rv)
	}
	s.store = next
}

func rvOf(o *corev1.ConfigMap) int { n, _ := strconv.Atoi(o.ResourceVersion); return n }

// deliver hands the next notification to the handler.
func (s *sim) deliver(r *relist) {
	n := s.pending[0]
	s.pending = s.pending[1:]
	s.steps++
	s.notes[n.id].delivered = s.steps
	switch {
	case n.tomb:
		r.remove(cache.DeletedFinalStateUnknown{Key: n.key, Obj: n.obj})
	case n.op == Delete:
		r.remove(n.obj)
	default:
		r.upsert(n.obj)
	}
}

// batches records what the batcher pushes, one slice per push.
type batches [][]Item

func (b *batches) Push(it Item)        { *b = append(*b, []Item{it}) }
func (b *batches) PushAll(its ...Item) { *b = append(*b, slices.Clone(its)) }

// The batcher against a model of client-go's delivery, with watch cuts,
// relists and delivery lagging the store at random: every notification is
// pushed once; only tombstones move, and only later; each relist that
// deletes and adds is pushed as one batch with its tombstones after its additions
// and updates; a
// tombstone stays ahead of a later re-creation of its key; nothing is
// left held once the pipeline is drained; and the pushed stream replays to
// the store's state. The one exception to "tombstones last": an addition
// the store no longer held when the tombstone arrived, because a later
// delete had already reached the store; the batcher cannot know it was
// part of the relist, and the world no longer has it.
func TestRelistBatchesProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := newSim()
		var out batches
		r := newRelist("src", s, &out)
		keys := rapid.SampledFrom([]string{"ns/a", "ns/b", "ns/c", "ns/d"})
		for range rapid.IntRange(0, 60).Draw(t, "steps") {
			switch rapid.IntRange(0, 6).Draw(t, "op") {
			case 0, 1:
				s.change(keys.Draw(t, "key"), rapid.Bool().Draw(t, "del"))
			case 2:
				s.cut = true
			case 3:
				s.relist()
			default:
				if len(s.pending) > 0 {
					s.deliver(r)
				}
			}
		}
		for len(s.pending) > 0 {
			s.deliver(r)
		}
		checkBatches(t, s, r, out)
	})
}

func checkBatches(t *rapid.T, s *sim, r *relist, out batches) {
	if r.holding() || len(r.awaited) > 0 {
		t.Fatalf("drained, yet holding %d items and %d tombstones, awaiting %v", len(r.held), len(r.tombs), r.awaited)
	}
	byObj := map[*corev1.ConfigMap]note{}
	for _, n := range s.notes {
		byObj[n.obj] = n
	}
	var order []note
	batchOf := map[int]int{}
	for b, items := range out {
		for _, it := range items {
			obj, _ := it.Obj.(*corev1.ConfigMap)
			n, ok := byObj[obj]
			if !ok || it.Op != n.op || it.Tombstone != n.tomb || it.Key != n.key || it.Source != "src" {
				t.Fatalf("pushed %+v, which matches no notification", it)
			}
			delete(byObj, obj)
			batchOf[n.id] = b
			order = append(order, n)
		}
	}
	if len(byObj) > 0 {
		t.Fatalf("%d notifications never pushed", len(byObj))
	}
	// A relist needs batching if it deletes and adds (or updates).
	tombs, adds := map[int]bool{}, map[int]bool{}
	for _, n := range s.notes {
		tombs[n.relist] = tombs[n.relist] || n.tomb
		adds[n.relist] = adds[n.relist] || !n.tomb && !gone(s, n, n.relist)
	}
	state := map[string]string{}
	lastPlain := -1
	for i, n := range order {
		if !n.tomb {
			if n.id < lastPlain {
				t.Fatalf("notification %d pushed after %d: only tombstones may move", n.id, lastPlain)
			}
			lastPlain = n.id
		}
		if n.tomb {
			for _, m := range order[:i] {
				if m.id > n.id && m.key == n.key && m.op == Upsert {
					t.Fatalf("tombstone %d of %s pushed after its re-creation %d", n.id, n.key, m.id)
				}
			}
		}
		if n.tomb {
			for _, m := range order[i+1:] {
				if m.relist == n.relist && !m.tomb && !gone(s, m, n.relist) {
					t.Fatalf("relist %d: tombstone of %s pushed before the addition of %s", n.relist, n.key, m.key)
				}
			}
		}
		// A relist that only adds or only deletes needs no reordering and
		// is not held; one that does both is pushed as one batch.
		if n.relist > 0 && tombs[n.relist] && adds[n.relist] && !gone(s, n, n.relist) {
			for _, m := range s.notes {
				if m.relist == n.relist && !gone(s, m, n.relist) && batchOf[m.id] != batchOf[n.id] {
					t.Fatalf("relist %d split over pushes %d and %d: %v", n.relist, batchOf[n.id], batchOf[m.id], describe(out))
				}
			}
		}
		if n.op == Upsert {
			state[n.key] = n.obj.ResourceVersion
		} else {
			delete(state, n.key)
		}
	}
	want := map[string]string{}
	for k, o := range s.store {
		want[k] = o.ResourceVersion
	}
	if !maps.Equal(state, want) {
		t.Fatalf("pushed stream replays to %v, store holds %v", state, want)
	}
}

// Incident 000 through a relist: the old endpoint's tombstone comes first,
// the new endpoint's add after it; the batcher pushes them as one batch,
// the add first.
func TestRelistGatewayRestart(t *testing.T) {
	s := newSim()
	var out batches
	r := newRelist("src", s, &out)
	s.change("ns/east-old", false)
	s.deliver(r)
	s.cut = true
	s.change("ns/east-new", false)
	s.change("ns/east-old", true)
	s.relist()
	s.deliver(r)
	if len(out) != 1 {
		t.Fatalf("tombstone pushed before the relist's addition: %v", out)
	}
	s.deliver(r)
	got := fmt.Sprint(describe(out))
	if want := "[[Upsert ns/east-old] [Upsert ns/east-new Delete ns/east-old (tombstone)]]"; got != want {
		t.Fatalf("pushed %s, want %s", got, want)
	}
}

func describe(b batches) [][]string {
	var out [][]string
	for _, items := range b {
		var s []string
		for _, it := range items {
			d := it.Op.String() + " " + it.Key
			if it.Tombstone {
				d += " (tombstone)"
			}
			s = append(s, d)
		}
		out = append(out, s)
	}
	return out
}

// gone reports whether m, an addition or update of relist r, was deleted
// again by the time the relist's first tombstone reached the handler: the
// informer had queued a later delete of its key, so its store no longer
// showed it as part of the relist.
func gone(s *sim, m note, r int) bool {
	if m.tomb {
		return false
	}
	first := -1
	for _, n := range s.notes {
		if n.relist == r && n.tomb {
			first = n.delivered
			break
		}
	}
	for _, d := range s.notes[m.id+1:] {
		if d.key == m.key && d.op == Delete && d.queued < first {
			return true
		}
	}
	return false
}
