package routes

// entry is one route key or rule the machine knows of: what is wanted,
// what the kernel was last seen to hold, and the write under way. The
// fields every dump reads and writes come first, in as few cache lines as
// they fit, and those of writes under way or failed last.
type entry[K comparable, V comparable] struct {
	key           K
	wanted, had   bool
	inFlight      Kind // the write awaiting its Applied, or 0
	backingOff    bool // failed; waiting for its RetryDue
	wantGen, seen uint64
	have, want    V
	flight        V   // the value of the write in flight
	attempts      int // consecutive failures
	lastReason    string
	lastMessage   string
}

// book holds the entries of one kind of object (routes by key, or rules)
// with the kinds of their writes. The entries live in one slice, indexed
// by a map of small values: walking all of them (every dump) is then a
// sequential scan rather than a chase of 100,000 pointers. A pointer
// returned by get or find is valid until the next get or remove.
type book[K comparable, V comparable] struct {
	idx      map[K]int32
	es       []entry[K, V]
	key      func(V) K
	same     func(have, want V) bool
	add, del Kind
}

func newBook[K comparable, V comparable](key func(V) K, same func(have, want V) bool, add, del Kind) book[K, V] {
	return book[K, V]{idx: map[K]int32{}, key: key, same: same, add: add, del: del}
}

func (b *book[K, V]) get(k K) *entry[K, V] { return &b.es[b.index(k)] }

// index is get by position in es.
func (b *book[K, V]) index(k K) int {
	i, ok := b.idx[k]
	if !ok {
		i = int32(len(b.es))
		b.es = append(b.es, entry[K, V]{key: k})
		b.idx[k] = i
	}
	return int(i)
}

// find returns the entry of k, or nil.
func (b *book[K, V]) find(k K) *entry[K, V] {
	if i, ok := b.idx[k]; ok {
		return &b.es[i]
	}
	return nil
}

// removeIfIdle forgets e (an entry of b) if it carries nothing, moving
// the last entry into its place.
func (b *book[K, V]) removeIfIdle(e *entry[K, V]) {
	if !e.idle() {
		return
	}
	i, last := b.idx[e.key], int32(len(b.es)-1)
	delete(b.idx, e.key)
	if i != last {
		b.es[i] = b.es[last]
		b.idx[b.es[i].key] = i
	}
	b.es[last] = entry[K, V]{}
	b.es = b.es[:last]
}

// compact forgets every idle entry, keeping the others in order.
func (b *book[K, V]) compact() {
	j := int32(0)
	for i := range b.es {
		e := &b.es[i]
		if e.idle() {
			delete(b.idx, e.key)
			continue
		}
		if int32(i) != j {
			b.es[j] = *e
			b.idx[e.key] = j
		}
		j++
	}
	clear(b.es[j:])
	b.es = b.es[:j]
}

// setWanted makes vs the wanted set: generation gen marks what stays.
func (b *book[K, V]) setWanted(vs []V, gen uint64) {
	for _, v := range vs {
		e := b.get(b.key(v))
		e.want, e.wanted, e.wantGen = v, true, gen
	}
	for i := range b.es {
		if e := &b.es[i]; e.wanted && e.wantGen != gen {
			var zero V
			e.want, e.wanted = zero, false
		}
	}
}

// setObserved makes the owned values of vs, a complete dump, what the
// kernel holds.
//
// A kernel dumps in an order of its own, often the order the entries
// were added in, which is the order of es; so each value is first
// matched against the entry after the last one matched, and only looked
// up in the map when that one has another key. Keys are unique, so the
// entry found is the same either way; in order, a dump of 100,000 routes
// costs a sequential walk instead of 100,000 random map lookups.
func (b *book[K, V]) setObserved(vs []V, owned func(V) bool, gen uint64) {
	next := 0
	for _, v := range vs {
		if !owned(v) {
			continue
		}
		k := b.key(v)
		i := next
		if i >= len(b.es) || b.es[i].key != k {
			i = b.index(k)
		}
		e := &b.es[i]
		e.have, e.had, e.seen = v, true, gen
		next = i + 1
	}
	// What the dump did not show is forgotten by forgetUnseen, in the
	// pass that decides, to walk the map once.
}

// forgetUnseen drops e's observed value if the complete dump of
// generation gen did not show it.
func (e *entry[K, V]) forgetUnseen(gen uint64) {
	if e.had && e.seen != gen {
		var zero V
		e.have, e.had = zero, false
	}
}

// decide returns the write e needs now, if any, and marks it in flight.
// Deletes need prune; nothing is written while a write is under way or
// backing off.
func (b *book[K, V]) decide(e *entry[K, V], prune bool) (Kind, V, bool) {
	var zero V
	switch {
	case e.inFlight != 0 || e.backingOff:
		return 0, zero, false
	case e.wanted && (!e.had || !b.same(e.have, e.want)):
		e.inFlight, e.flight = b.add, e.want
		return b.add, e.want, true
	case !e.wanted && e.had && prune:
		e.inFlight, e.flight = b.del, e.have
		return b.del, e.have, true
	}
	return 0, zero, false
}

// idle reports whether e carries nothing worth keeping.
func (e *entry[K, V]) idle() bool {
	return !e.wanted && !e.had && e.inFlight == 0 && !e.backingOff
}

// converged reports whether e needs no write and has none pending.
func (b *book[K, V]) converged(e *entry[K, V]) bool {
	return e.inFlight == 0 && !e.backingOff && e.wanted == e.had && (!e.wanted || b.same(e.have, e.want))
}
