package healthtest

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

var (
	names = []string{"c1-gw-a", "c1-gw-b", "c2-gw-a", "c3-gw-a"}
	ips   = []netip.Addr{{}, netip.MustParseAddr("10.1.0.1"), netip.MustParseAddr("10.1.0.2"),
		netip.MustParseAddr("fd00::1")}
	uids = []string{"", "u1", "u2"}
	// Few distinct latencies, so that extremes tie and leave windows often.
	rtts = []time.Duration{0, time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond,
		750 * time.Microsecond, time.Second, health.MaxRTT}
	addrs = cmpopts.EquateComparable(netip.Addr{})
	epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Property returns a rapid property for a machine with cfg: generated
// sessions of notifications (all eight kinds), probe results (of current,
// stopped and unknown probers, duplicates and losses included), malformed
// results and ticks. After every step it checks the prober lifecycle
// against the model, each endpoint's status, reason, counts and statistics
// against a naive recomputation over its window, that rejected events
// change nothing, and that Reports list exactly the tracked endpoints; at
// the end, that a replay yields the same effects.
func Property(cfg health.Config) func(*rapid.T) {
	return func(t *rapid.T) {
		m, err := health.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		model, life := NewModel(m.Config()), NewLifecycle()
		var events []health.Event
		var trace [][]health.Effect
		now := epoch
		steps := rapid.IntRange(1, 120).Draw(t, "steps")
		for range steps {
			now = now.Add(time.Duration(rapid.IntRange(0, 1000).Draw(t, "dt")) * time.Millisecond)
			ev := drawEvent(t, m, now)
			before := m.Statuses()
			effects, err := m.Step(ev)
			if err != nil {
				if _, ok := ev.(health.ProbeResult); !ok || !malformed(ev.(health.ProbeResult)) {
					t.Fatalf("%T%+v rejected: %v", ev, ev, err)
				}
				if d := cmp.Diff(before, m.Statuses(), addrs); d != "" {
					t.Fatalf("rejected event changed the machine:\n%s", d)
				}
				continue
			}
			events, trace = append(events, ev), append(trace, effects)
			if err := life.Apply(effects); err != nil {
				t.Fatal(err)
			}
			switch ev := ev.(type) {
			case health.Notified:
				model.Notify(ev.Notification, func() uint64 {
					for _, e := range effects {
						if e.Kind == health.StartProber && e.Endpoint == ev.Notification.Endpoint.Name {
							return e.Generation
						}
					}
					return 0
				})
			case health.ProbeResult:
				model.Result(ev)
			case health.Tick:
				if err := checkReport(m, model, effects); err != nil {
					t.Fatal(err)
				}
			}
			if err := life.Check(model); err != nil {
				t.Fatal(err)
			}
			if err := Compare(m, model, life); err != nil {
				t.Fatal(err)
			}
		}
		// Determinism: the same events give the same effects.
		again, _ := health.New(cfg)
		for i, ev := range events {
			effects, err := again.Step(ev)
			if err != nil {
				t.Fatalf("replay of %T%+v: %v", ev, ev, err)
			}
			if d := cmp.Diff(trace[i], effects, addrs); d != "" {
				t.Fatalf("replay of %T%+v differs:\n%s", ev, ev, d)
			}
		}
	}
}

// Compare checks every tracked endpoint of m against the model's naive
// recomputation, and against the status last reported by effects.
func Compare(m *health.Machine, model *Model, life *Lifecycle) error {
	if m.Len() != len(model.Tracked) {
		return fmt.Errorf("machine tracks %d endpoints, model %d", m.Len(), len(model.Tracked))
	}
	for _, name := range names {
		t := model.Tracked[name]
		got, ok := m.Status(name)
		if ok != (t != nil) {
			return fmt.Errorf("%s: tracked %v, model %v", name, ok, t != nil)
		}
		if !ok {
			continue
		}
		status, reason, st := model.Expect(t)
		w := model.Window(t)
		lost := 0
		for _, v := range w {
			if v < 0 {
				lost++
			}
		}
		// The deviation is rounded once from an exact value on both sides;
		// allow the last nanosecond of truncation.
		if d := got.Latency.StdDev - st.StdDev; d >= -1 && d <= 1 {
			st.StdDev = got.Latency.StdDev
		}
		want := health.EndpointStatus{Endpoint: name, ClusterID: got.ClusterID, IP: t.IP, Status: status,
			Reason: reason, Results: len(w), Lost: lost, Latency: st}
		if d := cmp.Diff(want, got, addrs); d != "" {
			return fmt.Errorf("%s (window %v) differs from the model (-want +got):\n%s", name, w, d)
		}
		if life.Reported[name] != got.Status {
			return fmt.Errorf("%s is %v but was last reported %v", name, got.Status, life.Reported[name])
		}
	}
	return nil
}

func checkReport(m *health.Machine, model *Model, effects []health.Effect) error {
	if len(effects) != 1 || effects[0].Kind != health.Report {
		return fmt.Errorf("tick gave %v", effects)
	}
	var got, want []string
	for _, s := range effects[0].Statuses {
		got = append(got, s.Endpoint)
	}
	for n := range model.Tracked {
		want = append(want, n)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("report lists %v, tracked %v", got, want)
	}
	return nil
}

func malformed(r health.ProbeResult) bool {
	if r.Lost {
		return !r.Received.IsZero()
	}
	d := r.Received.Sub(r.Sent)
	return r.Received.IsZero() || d < 0 || d > health.MaxRTT
}

func drawEvent(t *rapid.T, m *health.Machine, now time.Time) health.Event {
	switch rapid.IntRange(0, 9).Draw(t, "event") {
	case 0, 1:
		n := endpoint.Effect{
			Kind: endpoint.Kind(rapid.IntRange(int(endpoint.LocalEndpointCreated), int(endpoint.StaleRemoteEndpointRemoved)).Draw(t, "kind")),
			Endpoint: endpoint.Endpoint{Name: rapid.SampledFrom(names).Draw(t, "name"), ClusterID: "c",
				UID: rapid.SampledFrom(uids).Draw(t, "uid"), HealthCheckIP: rapidreport.Draw(t, rapid.SampledFrom(ips), "ip")},
		}
		return health.Notified{Notification: n, At: now}
	case 2:
		return health.Tick{At: now}
	}
	name := rapid.SampledFrom(names).Draw(t, "name")
	_, gen, ok := m.Prober(name)
	r := health.ProbeResult{Endpoint: name, Generation: gen, Sent: now}
	if !ok || rapid.IntRange(0, 9).Draw(t, "stale") == 0 {
		r.Generation = rapid.Uint64Range(0, gen+2).Draw(t, "gen")
	}
	st, _ := m.Status(name)
	// Mostly the next sequence number; sometimes a duplicate or a gap.
	r.Seq = uint64(st.Results) + uint64(rapid.IntRange(0, 3).Draw(t, "seq"))
	switch rapid.IntRange(0, 9).Draw(t, "outcome") {
	case 0, 1, 2:
		r.Lost = true
	case 3:
		r.Received = now.Add(-time.Nanosecond) // malformed
	default:
		r.Received = now.Add(rapidreport.Draw(t, rapid.SampledFrom(rtts), "rtt"))
	}
	return r
}
