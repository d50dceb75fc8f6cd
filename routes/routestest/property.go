package routestest

import (
	"fmt"
	"reflect"
	"slices"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/internal/rapidreport"
	"github.com/meshstate/meshstate/routes"
)

// session drives one machine against a fake kernel and checks every step.
type session struct {
	cfg      routes.Config
	m        *routes.Machine
	k        *Kernel
	events   []routes.Event
	ops      [][]routes.Effect
	inFlight map[string]routes.Effect // emitted writes awaiting Applied
	retries  map[string]routes.Effect // RetryAfter awaiting RetryDue
	synced   bool
	dumped   bool // a complete dump was stepped
	desired  routes.Desired
	foreign  map[string]bool
}

// Property returns a rapid property checking the machine's invariants over
// generated sessions under cfg:
//
//   - every write targets an owned route or rule, and a step never touches
//     anything else;
//   - nothing is deleted before DesiredSynced and a complete dump, and an
//     interrupted dump causes nothing but a Redump;
//   - a write is considered done only once it succeeded: after the first
//     complete dump, the machine's observed state is exactly the kernel's
//     owned state, and no second write for a target is emitted while one
//     is in flight; a failed write is always answered by a RetryAfter;
//   - applying the operations converges the kernel's owned state to the
//     desired set, leaving foreign state untouched;
//   - replaying the events on a new machine yields the same operations.
func Property(cfg routes.Config) func(*rapid.T) {
	return func(t *rapid.T) {
		m, err := routes.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s := &session{cfg: m.Config(), m: m, k: NewKernel(), inFlight: map[string]routes.Effect{},
			retries: map[string]routes.Effect{}, foreign: map[string]bool{}}
		// The kernel may start with stale owned routes from a previous run.
		for _, r := range rapidreport.Draw(t, rapid.SliceOfN(rapid.SampledFrom(subnets[:6]), 0, 3), "stale") {
			rt := routes.Route{Dst: r, LinkIndex: 2, Table: s.cfg.Table, Protocol: s.cfg.Protocol}
			s.k.Routes[rt.Key()] = rt
		}
		t.Repeat(map[string]func(*rapid.T){
			"desired": func(t *rapid.T) { s.desired = Desired(t); s.step(t, s.desired) },
			"synced":  func(t *rapid.T) { s.synced = true; s.step(t, routes.DesiredSynced{}) },
			"dump":    s.dump,
			"apply":   s.apply,
			"retry":   s.retry,
			"flush":   s.flush,
			"foreign": s.addForeign,
		})
		s.converge(t)
		s.replay(t)
	}
}

func (s *session) step(t *rapid.T, ev routes.Event) []routes.Effect {
	ops, err := s.m.Step(ev)
	if err != nil {
		t.Fatalf("%T: %v", ev, err)
	}
	s.events = append(s.events, ev)
	s.ops = append(s.ops, ops)
	for _, op := range ops {
		switch {
		case op.Kind.IsWrite():
			if op.Kind.IsRoute() && !s.cfg.OwnsRoute(op.Route) || !op.Kind.IsRoute() && !s.cfg.OwnsRule(op.Rule) {
				t.Fatalf("%v targets an unowned object", op)
			}
			if (op.Kind == routes.DeleteRoute || op.Kind == routes.DeleteRule) && (!s.synced || !s.dumped) {
				t.Fatalf("%v before sync (synced %v, complete dump %v)", op, s.synced, s.dumped)
			}
			if prev, ok := s.inFlight[opKey(op)]; ok {
				t.Fatalf("%v emitted while %v is in flight", op, prev)
			}
			if _, ok := s.retries[opKey(op)]; ok {
				t.Fatalf("%v emitted while its target backs off", op)
			}
			s.inFlight[opKey(op)] = op
		case op.Kind == routes.RetryAfter:
			s.retries[opKey(op)] = op
		}
	}
	s.checkObserved(t)
	return ops
}

// checkObserved: what the machine believes the kernel holds is what it
// holds, once a complete dump taught it.
func (s *session) checkObserved(t *rapid.T) {
	if !s.dumped {
		return
	}
	rs, ru := s.k.Owned(s.cfg)
	gotR, gotU := s.m.ObservedRoutes(), s.m.ObservedRules()
	slices.SortFunc(gotR, CompareRoutes)
	slices.SortFunc(gotU, CompareRules)
	if !reflect.DeepEqual(rs, gotR) || !reflect.DeepEqual(ru, gotU) {
		t.Fatalf("machine observes routes %v rules %v; kernel holds %v %v", gotR, gotU, rs, ru)
	}
}

func (s *session) dump(t *rapid.T) {
	d := s.k.Dump()
	if rapid.Bool().Draw(t, "interrupted") {
		d.Complete = false
		// Part of the truth, as an interrupted dump may give.
		d.Routes = d.Routes[:rapid.IntRange(0, len(d.Routes)).Draw(t, "cut")]
		d.Rules = d.Rules[:rapid.IntRange(0, len(d.Rules)).Draw(t, "cut-rules")]
		ops := s.step(t, d)
		if len(ops) != 1 || ops[0].Kind != routes.Redump {
			t.Fatalf("an interrupted dump caused %v", ops)
		}
		return
	}
	s.dumped = true
	s.step(t, d)
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}

func (s *session) apply(t *rapid.T) {
	keys := sortedKeys(s.inFlight)
	if len(keys) == 0 {
		t.Skip("nothing in flight")
	}
	k := rapid.SampledFrom(keys).Draw(t, "op")
	op := s.inFlight[k]
	delete(s.inFlight, k)
	class := rapidreport.Draw(t, rapid.SampledFrom([]routes.Class{routes.OK, routes.OK, routes.Transient, routes.Unreachable, routes.Permanent}), "class")
	if class == routes.OK {
		class = s.k.Apply(op)
	}
	ops := s.step(t, routes.Applied{Op: op, Class: class, Message: "fake"})
	failed := class == routes.Transient || class == routes.Unreachable || class == routes.Permanent
	if failed && !slices.ContainsFunc(ops, func(o routes.Effect) bool {
		return o.Kind == routes.RetryAfter && opKey(o) == k && o.Reason != ""
	}) {
		t.Fatalf("failed %v (%v) was not retried: %v", op, class, ops)
	}
}

func (s *session) retry(t *rapid.T) {
	keys := sortedKeys(s.retries)
	if len(keys) == 0 {
		t.Skip("no retry due")
	}
	k := rapid.SampledFrom(keys).Draw(t, "retry")
	op := s.retries[k]
	delete(s.retries, k)
	s.step(t, routes.RetryDue{Op: op})
}

// flush: a third party deletes one of our routes, and the kernel says so.
func (s *session) flush(t *rapid.T) {
	rs, _ := s.k.Owned(s.cfg)
	if len(rs) == 0 {
		t.Skip("nothing to flush")
	}
	r := rapidreport.Draw(t, rapid.SampledFrom(rs), "flushed")
	delete(s.k.Routes, r.Key())
	s.step(t, routes.RouteUpdate{Route: r, Deleted: true})
}

func (s *session) addForeign(t *rapid.T) {
	if rapid.Bool().Draw(t, "rule") {
		r := ForeignRule(t, s.cfg)
		s.k.Rules[r] = true
		s.foreign[r.String()] = true
		return
	}
	r := Foreign(t, s.cfg)
	if _, taken := s.k.Routes[r.Key()]; taken {
		t.Skip("key taken")
	}
	s.k.Routes[r.Key()] = r
	s.foreign[r.String()] = true
	s.step(t, routes.RouteUpdate{Route: r})
}

// converge syncs, dumps, and applies every write successfully and every
// retry until the machine is quiet; then the kernel holds the desired set.
func (s *session) converge(t *rapid.T) {
	s.synced = true
	s.step(t, routes.DesiredSynced{})
	s.dumped = true
	s.step(t, s.k.Dump())
	for range 100 {
		if len(s.inFlight) == 0 && len(s.retries) == 0 {
			break
		}
		for _, k := range sortedKeys(s.inFlight) {
			op := s.inFlight[k]
			delete(s.inFlight, k)
			s.step(t, routes.Applied{Op: op, Class: s.k.Apply(op)})
		}
		for _, k := range sortedKeys(s.retries) {
			op := s.retries[k]
			delete(s.retries, k)
			s.step(t, routes.RetryDue{Op: op})
		}
	}
	wantR, wantU, _, err := routes.BuildDesired(s.cfg, s.desired)
	if err != nil {
		t.Fatal(err)
	}
	gotR, gotU := s.k.Owned(s.cfg)
	slices.SortFunc(wantR, CompareRoutes)
	slices.SortFunc(wantU, CompareRules)
	if len(wantR) == 0 {
		wantR = nil
	}
	if len(wantU) == 0 {
		wantU = nil
	}
	if !reflect.DeepEqual(gotR, wantR) || !reflect.DeepEqual(gotU, wantU) {
		t.Fatalf("kernel holds routes %v rules %v; want %v %v", gotR, gotU, wantR, wantU)
	}
	if !s.m.Converged() {
		t.Fatalf("machine not converged: %+v", s.m.Stats())
	}
	fr, fu := s.k.Foreign(s.cfg)
	if len(fr)+len(fu) != len(s.foreign) {
		t.Fatalf("foreign state changed: %v %v, added %v", fr, fu, s.foreign)
	}
	if ops := s.step(t, s.k.Dump()); len(ops) != 0 {
		t.Fatalf("a resync of a converged kernel emitted %v", ops)
	}
}

func (s *session) replay(t *rapid.T) {
	m, err := routes.New(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range s.events {
		ops, err := m.Step(ev)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ops) != fmt.Sprint(s.ops[i]) {
			t.Fatalf("replay of event %d (%T) gave %v, first run %v", i, ev, ops, s.ops[i])
		}
	}
}
