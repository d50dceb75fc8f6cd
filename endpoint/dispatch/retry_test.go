package dispatch_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/dispatch"
	"github.com/meshstate/meshstate/retry"
)

// flaky refuses each notification its first failures[n] times, and records
// when each call was made.
type flaky struct {
	failures map[string]int

	mu    sync.Mutex
	calls map[string][]time.Time
}

func newFlaky(failures map[string]int) *flaky {
	return &flaky{failures: failures, calls: map[string][]time.Time{}}
}

func (f *flaky) fail(n string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[n] = append(f.calls[n], time.Now())
	if len(f.calls[n]) <= f.failures[n] {
		return errBusy
	}
	return nil
}

func (f *flaky) callTimes(n string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.calls[n]...)
}

// retryIns returns, per handler, the retryIn of every ErrorFunc call for n,
// in order.
func retryIns(reps []report, n string) map[int][]time.Duration {
	out := map[int][]time.Duration{}
	for _, r := range reps {
		if r.N == n {
			out[r.Handler] = append(out[r.Handler], r.RetryIn)
		}
	}
	return out
}

// A failing handler is retried after the delays of its schedule, attempt
// by attempt, and really waits them; the count starts again with the next
// notification.
func TestRetryFollowsSchedule(t *testing.T) {
	s := retry.Schedule{Initial: 2 * time.Millisecond, Max: 16 * time.Millisecond, Multiplier: 2}
	a, b := note(endpoint.RemoteEndpointCreated, "east-a"), note(endpoint.RemoteEndpointUpdated, "east-a")
	f := newFlaky(map[string]int{a.String(): 5, b.String(): 2})
	rec := newRecorder(2)
	rec.fail = f.fail
	reps := newReports(7)
	d, err := dispatch.New([]endpoint.Handler{rec.all()}, dispatch.WithRetry(s), dispatch.WithErrorFunc(reps.record))
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, d)
	if err := d.Enqueue(a, b); err != nil {
		t.Fatal(err)
	}
	wait(t, rec.done, "the handler to accept both notifications")
	stop()

	ms := time.Millisecond
	want := map[string][]time.Duration{
		a.String(): {2 * ms, 4 * ms, 8 * ms, 16 * ms, 16 * ms},
		b.String(): {2 * ms, 4 * ms}, // a new notification starts at attempt 0
	}
	for n, w := range want {
		got := retryIns(reps.all(), n)
		if diff := cmp.Diff(map[int][]time.Duration{0: w}, got); diff != "" {
			t.Errorf("%s: retryIn reported to the ErrorFunc (-want +got):\n%s", n, diff)
		}
		// The handler is called once, then once per retry, each at least the
		// reported delay after the last.
		calls := f.callTimes(n)
		if len(calls) != len(w)+1 {
			t.Fatalf("%s: handler called %d times, want %d", n, len(calls), len(w)+1)
		}
		for i, delay := range w {
			if gap := calls[i+1].Sub(calls[i]); gap < delay {
				t.Errorf("%s: retry %d came %v after the failure, before its delay %v", n, i, gap, delay)
			}
		}
	}
	if diff := cmp.Diff([]string{a.String(), b.String()}, rec.accepted()); diff != "" {
		t.Errorf("accepted (-want +got):\n%s", diff)
	}
}

// With jitter, each delay lies within the schedule's jitter of its
// interval, handlers that fail together on one notification wait different
// delays, and the same failures wait the same delays in another run.
func TestRetryJitter(t *testing.T) {
	s := retry.Schedule{Initial: 2 * time.Millisecond, Max: 32 * time.Millisecond, Multiplier: 2, Jitter: 0.5}
	plain := s
	plain.Jitter = 0
	n := note(endpoint.RemoteEndpointCreated, "east-a")
	const failures = 4

	runOnce := func() map[int][]time.Duration {
		recs := []*recorder{newRecorder(1), newRecorder(1)}
		for _, r := range recs {
			r.fail = newFlaky(map[string]int{n.String(): failures}).fail
		}
		reps := newReports(2 * failures)
		d, err := dispatch.New([]endpoint.Handler{recs[0].all(), recs[1].all()},
			dispatch.WithRetry(s), dispatch.WithErrorFunc(reps.record))
		if err != nil {
			t.Fatal(err)
		}
		stop := start(t, d)
		if err := d.Enqueue(n); err != nil {
			t.Fatal(err)
		}
		for i, r := range recs {
			wait(t, r.done, fmt.Sprintf("handler %d", i))
		}
		stop()
		return retryIns(reps.all(), n.String())
	}

	first := runOnce()
	for h := range 2 {
		if len(first[h]) != failures {
			t.Fatalf("handler %d: %d ErrorFunc calls, want %d", h, len(first[h]), failures)
		}
		for attempt, got := range first[h] {
			base := plain.Delay("any key", attempt)
			if lo, hi := time.Duration(float64(base)*(1-s.Jitter)), time.Duration(float64(base)*(1+s.Jitter)); got < lo || got > hi {
				t.Errorf("handler %d, attempt %d: retry in %v, outside [%v, %v]", h, attempt, got, lo, hi)
			}
		}
	}
	if cmp.Equal(first[0], first[1]) {
		t.Errorf("both handlers wait %v: the jitter does not spread them", first[0])
	}
	if diff := cmp.Diff(first, runOnce()); diff != "" {
		t.Errorf("a second run waits other delays (-first +second):\n%s", diff)
	}
}

// Without WithRetry, the first retry waits retry.DefaultSchedule's first
// delay: 1s ±20%.
func TestDefaultSchedule(t *testing.T) {
	rec := newRecorder(1)
	rec.fail = func(string) error { return errBusy }
	reps := newReports(1)
	d, err := dispatch.New([]endpoint.Handler{rec.all()}, dispatch.WithErrorFunc(reps.record))
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, d)
	if err := d.Enqueue(note(endpoint.RemoteEndpointCreated, "east-a")); err != nil {
		t.Fatal(err)
	}
	wait(t, reps.reached, "the first failure")
	stop()
	def := retry.DefaultSchedule()
	lo := time.Duration(float64(def.Initial) * (1 - def.Jitter))
	hi := time.Duration(float64(def.Initial) * (1 + def.Jitter))
	if got := reps.all(); len(got) != 1 || got[0].RetryIn < lo || got[0].RetryIn >= hi {
		t.Errorf("ErrorFunc calls = %+v, want one with retryIn in [%v, %v)", got, lo, hi)
	}
}
