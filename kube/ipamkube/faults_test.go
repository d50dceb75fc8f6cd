package ipamkube_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/ipamkube"
)

// Faults: a restart, and new owners, while a fifth of the adapter's
// requests fail (500, 503, 429, timeouts, resets, some after the server
// acted), a fifth of its status writes get a 409, and the Services API is
// down. No address may be released or changed, the lookups that fail must
// show in conditions while the faults last, and once they stop everything
// converges: each owner allocated exactly once, no address shared. The
// events are traced, and the trace replays to the same effects.
func TestFaults(t *testing.T) {
	const old, added = 120, 60
	h := newHarness(t)
	defer h.leakCheck()()
	hist := h.watchHistory()
	defer hist.stop()

	first := h.start(h.config(nil))
	h.create(owners("old", old, 2))
	first.settled(t, 30*time.Second, old)
	first.stopCleanly(t)
	before := h.statuses()
	checkAllocated(t, before)

	servicesDown := func(req *http.Request) bool { return strings.Contains(req.URL.Path, "/services") }
	f := newFaults(0.2, 0.2, servicesDown)
	f.on.Store(true)
	var trace bytes.Buffer
	cfg := h.config(f.wrap)
	cfg.Trace = &trace
	steps := &recorder{}
	a, err := ipamkube.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ipamkube.SetStepHook(a, steps.record)
	second := h.run(a)
	h.create(owners("new", added, 2))

	// While the faults last, every owner whose Service cannot be looked up,
	// or created, says so, and keeps its address.
	waitFor(t, 30*time.Second, "LookupFailed or EnsureFailed on every owner with a Service", func() (bool, string) {
		gips := h.statuses()
		if len(gips) < old+added {
			return false, "not all created yet"
		}
		for name, g := range gips {
			c := meta.FindStatusCondition(g.Status.Conditions, ipam.ConditionDependencyReady)
			want := ipam.ReasonLookupFailed
			if strings.HasPrefix(name, "new") {
				want = ipam.ReasonEnsureFailed
			}
			if g.Spec.InternalService && (c == nil || c.Reason != want) {
				return false, name + ": " + condString(c)
			}
		}
		return true, ""
	})
	checkKept(t, addresses(before), addresses(h.statuses()))
	if st := second.State(); st.LastError == nil {
		t.Errorf("no failure in State during the faults: %+v", st)
	}

	f.on.Store(false)
	took := second.settled(t, 60*time.Second, old+added)
	second.stopCleanly(t)
	t.Logf("converged %v after the faults stopped; injected %v", took, f.counts())
	for _, kind := range []string{"409", "500", "503", "429", "timeout", "reset", "reset after send", "outage"} {
		if f.counts()[kind] == 0 {
			t.Errorf("no %s injected: %v", kind, f.counts())
		}
	}

	after := h.statuses()
	if len(after) != old+added {
		t.Fatalf("%d owners, want %d", len(after), old+added)
	}
	checkAllocated(t, after)
	h.checkServices(after)
	checkKept(t, addresses(before), addresses(after))
	hist.check(t)
	replay(t, cfg.Machine, trace.Bytes(), steps.steps())
}

func condString(c *metav1.Condition) string {
	if c == nil {
		return "no condition"
	}
	return c.Type + "=" + string(c.Status) + "/" + c.Reason
}

// recorder keeps what the adapter's machine was fed and returned.
type recorder struct {
	mu  sync.Mutex
	log []step
}

type step struct {
	ev      ipam.Event
	effects []ipam.Effect
}

func (r *recorder) record(ev ipam.Event, effects []ipam.Effect) {
	r.mu.Lock()
	r.log = append(r.log, step{ev, append([]ipam.Effect(nil), effects...)})
	r.mu.Unlock()
}

func (r *recorder) steps() []step {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log
}

// replay feeds a recorded trace to a fresh machine and fails unless it
// returns, step by step, the effects the adapter's machine returned.
func replay(t testing.TB, cfg ipam.Config, trace []byte, want []step) {
	t.Helper()
	m, err := ipam.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		ev, err := ipam.UnmarshalEvent(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if i >= len(want) {
			t.Fatalf("the trace has more events than the adapter stepped (%d)", len(want))
		}
		got, _ := m.Step(ev)
		if g, w := effectsJSON(t, got), effectsJSON(t, want[i].effects); g != w {
			t.Fatalf("step %d (%s): replay gave\n%s\nthe adapter's machine gave\n%s", i, sc.Bytes(), g, w)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(want) {
		t.Fatalf("the trace has %d events, the adapter stepped %d", i, len(want))
	}
	t.Logf("replayed %d events to identical effects", i)
}

func effectsJSON(t testing.TB, effects []ipam.Effect) string {
	b, err := json.Marshal(effects)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
