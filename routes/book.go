package routes

// entry is one route key or rule the machine knows of: what is wanted,
// what the kernel was last seen to hold, and the write under way. The
// fields every dump reads and writes come first, in as few cache lines as
// they fit, and those of writes under way or failed last.
type entry[K comparable, V comparable] struct {
	key         K
	wanted, had bool
	inFlight    Kind // the write awaiting its Applied, or 0
	backingOff  bool // failed; waiting for its RetryDue
	wantGen     uint64
	have, want  V
	flight      V   // the value of the write in flight
	attempts    int // consecutive failures
	lastReason  string
	lastMessage string
}

// book holds the entries of one kind of object (routes by key, or rules)
// with the kinds of their writes. The entries live in one slice, indexed
// by a map of small values: walking all of them (every dump) is then a
// sequential scan rather than a chase of 100,000 pointers. A pointer
// returned by get or find is valid until the next get or remove.
//
// seen, beside es, is what the complete dumps said of each entry: the
// generation of the last one that showed it, shifted left by one, with
// the low bit set if what it showed satisfied what was wanted. Only the
// step of that dump reads it, in the pass that decides: kept apart from
// the entries, that pass reads 8 bytes of most entries instead of a
// cache line of each (an entry is some 400 bytes).
type book[K comparable, V comparable] struct {
	idx      map[K]int32
	es       []entry[K, V]
	seen     []uint64
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
		b.seen = append(b.seen, 0)
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
		b.es[i], b.seen[i] = b.es[last], b.seen[last]
		b.idx[b.es[i].key] = i
	}
	b.es[last] = entry[K, V]{}
	b.es, b.seen = b.es[:last], b.seen[:last]
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
			b.es[j], b.seen[j] = *e, b.seen[i]
			b.idx[e.key] = j
		}
		j++
	}
	clear(b.es[j:])
	b.es, b.seen = b.es[:j], b.seen[:j]
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

// setObserved makes the owned values of vs, a complete dump of
// generation gen, what the kernel holds.
//
// A kernel dumps in an order of its own, often the order the entries
// were added in, which is the order of es; so each value is first
// matched against the entry after the last one matched, and only looked
// up in the map when that one has another key. Keys are unique, so the
// entry found is the same either way; in order, a dump of 100,000 routes
// costs a sequential walk instead of 100,000 random map lookups. While
// the entry is at hand it notes in seen whether what the kernel holds is
// what is wanted, so that the pass that decides need not read either
// again. observeRoutes is this for routes, with direct calls.
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
		e.have, e.had = v, true
		b.seen[i] = gen<<1 | b2u(e.wanted && b.same(v, e.want))
		next = i + 1
	}
	// What the dump did not show is forgotten by forgetUnseen, in the
	// pass that decides, to walk the entries once.
}

// observeRoutes is setObserved for the routes of a dump: the hot path of
// a dump of 100,000 routes, without calls through function values.
func observeRoutes(b *book[routeID, Route], vs []Route, cfg *Config, gen uint64) {
	next := 0
	for j := range vs {
		v := &vs[j]
		if v.Table != cfg.Table || v.Protocol != cfg.Protocol { // !cfg.OwnsRoute(*v)
			continue
		}
		k := v.id()
		i := next
		if i >= len(b.es) || b.es[i].key != k {
			i = b.index(k)
		}
		e := &b.es[i]
		e.have, e.had = *v, true
		b.seen[i] = gen<<1 | b2u(e.wanted && routeSatisfies(v, &e.want))
		next = i + 1
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// settled reports whether entry i is known, without reading it, to need
// no write after the complete dump of generation gen: the dump showed
// what is wanted. decide would return nothing and the entry is not idle.
func (b *book[K, V]) settled(i int, gen uint64) bool { return b.seen[i] == gen<<1|1 }

// forgetUnseen drops the observed value of entry i if the complete dump
// of generation gen did not show it.
func (b *book[K, V]) forgetUnseen(i int, gen uint64) {
	if e := &b.es[i]; e.had && b.seen[i]>>1 != gen {
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
