package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/dispatch"
	"github.com/meshstate/meshstate/retry"
)

// every returns a schedule that retries after d, always, without jitter.
func every(d time.Duration) retry.Schedule {
	return retry.Schedule{Initial: d, Max: d, Multiplier: 1, Jitter: 0}
}

func TestNewRejects(t *testing.T) {
	h := newRecorder(0).all()
	for _, tc := range []struct {
		name     string
		handlers []endpoint.Handler
		opts     []dispatch.Option
		want     error
	}{
		{"nil handlers", nil, nil, dispatch.ErrNoHandlers},
		{"no handlers", []endpoint.Handler{}, nil, dispatch.ErrNoHandlers},
		{"nil handler", []endpoint.Handler{h, nil}, nil, dispatch.ErrNilHandler},
		{"nil option", []endpoint.Handler{h}, []dispatch.Option{nil}, dispatch.ErrInvalidOption},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dispatch.New(tc.handlers, tc.opts...)
			if !errors.Is(err, tc.want) || d != nil {
				t.Errorf("New = %v, %v; want nil, %v", d, err, tc.want)
			}
		})
	}
}

// New refuses a schedule that retry.Schedule.Validate refuses, with an
// error that says which field is wrong, instead of panicking or retrying
// in a busy loop later.
func TestNewRejectsInvalidSchedule(t *testing.T) {
	h := newRecorder(0).all()
	ok := retry.DefaultSchedule()
	for _, tc := range []struct {
		name  string
		s     retry.Schedule
		field string
	}{
		{"zero schedule", retry.Schedule{}, "Initial"},
		{"negative initial", retry.Schedule{Initial: -time.Second, Max: time.Second, Multiplier: 2}, "Initial"},
		{"max below initial", retry.Schedule{Initial: time.Second, Max: time.Millisecond, Multiplier: 2}, "Max"},
		{"shrinking", retry.Schedule{Initial: time.Second, Max: time.Minute, Multiplier: 0.5}, "Multiplier"},
		{"NaN multiplier", retry.Schedule{Initial: time.Second, Max: time.Minute, Multiplier: math.NaN()}, "Multiplier"},
		{"jitter 1", retry.Schedule{Initial: ok.Initial, Max: ok.Max, Multiplier: ok.Multiplier, Jitter: 1}, "Jitter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dispatch.New([]endpoint.Handler{h}, dispatch.WithRetry(tc.s))
			var se *retry.ScheduleError
			if d != nil || !errors.Is(err, dispatch.ErrInvalidOption) || !errors.Is(err, retry.ErrInvalidSchedule) ||
				!errors.As(err, &se) || se.Field != tc.field {
				t.Errorf("New(WithRetry(%+v)) = %v, %v; want nil and a *retry.ScheduleError for %s wrapped in ErrInvalidOption",
					tc.s, d, err, tc.field)
			}
		})
	}
	// The last option wins: a valid schedule after an invalid one is used.
	d, err := dispatch.New([]endpoint.Handler{h, h}, dispatch.WithRetry(retry.Schedule{}), dispatch.WithRetry(ok),
		dispatch.WithErrorFunc(nil))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{0, 0}, d.Pending()); diff != "" {
		t.Errorf("Pending (-want +got):\n%s", diff)
	}
}

func TestRunTwice(t *testing.T) {
	t.Run("sequential", func(t *testing.T) {
		d, err := dispatch.New([]endpoint.Handler{newRecorder(0).all()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := d.Run(ctx); err != nil {
			t.Fatalf("first Run = %v, want nil", err)
		}
		if err := d.Run(context.Background()); !errors.Is(err, dispatch.ErrAlreadyRun) {
			t.Errorf("second Run = %v, want %v", err, dispatch.ErrAlreadyRun)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		d, err := dispatch.New([]endpoint.Handler{newRecorder(0).all()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errc := make(chan error, 2)
		for range 2 {
			go func() { errc <- d.Run(ctx) }()
		}
		// The loser returns at once; the winner only after cancel.
		if err := wait(t, errc, "the second Run"); !errors.Is(err, dispatch.ErrAlreadyRun) {
			t.Errorf("first Run to return = %v, want %v", err, dispatch.ErrAlreadyRun)
		}
		cancel()
		if err := wait(t, errc, "the first Run"); err != nil {
			t.Errorf("running Run = %v, want nil", err)
		}
	})
}

func TestEnqueueBeforeRunIsBuffered(t *testing.T) {
	ns := []endpoint.Effect{
		note(endpoint.RemoteEndpointCreated, "east-a"),
		note(endpoint.RemoteEndpointUpdated, "east-a"),
		note(endpoint.RemoteEndpointRemoved, "east-a"),
	}
	rec := newRecorder(len(ns))
	d, err := dispatch.New([]endpoint.Handler{rec.all()})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue(); err != nil {
		t.Fatalf("empty Enqueue = %v", err)
	}
	if diff := cmp.Diff([]int{3}, d.Pending()); diff != "" {
		t.Errorf("Pending before Run (-want +got):\n%s", diff)
	}
	stop := start(t, d)
	wait(t, rec.done, "the handler")
	stop()
	if diff := cmp.Diff(strs(ns), rec.accepted()); diff != "" {
		t.Errorf("accepted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0}, d.Pending()); diff != "" {
		t.Errorf("Pending after delivery (-want +got):\n%s", diff)
	}
}

func TestOrderUnderConcurrentEnqueue(t *testing.T) {
	const producers, each = 8, 200
	recs := []*recorder{newRecorder(producers * each), newRecorder(producers * each), newRecorder(producers * each)}
	d, err := dispatch.New([]endpoint.Handler{recs[0].all(), remoteOnly{recs[1]}, remoteAndStale{remoteOnly{recs[2]}}})
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, d)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Batches of 1 to 3 exercise the variadic form.
			for i := 0; i < each; {
				var batch []endpoint.Effect
				for k := 0; k <= p%3 && i < each; k, i = k+1, i+1 {
					batch = append(batch, note(endpoint.RemoteEndpointCreated, fmt.Sprintf("p%d-%03d", p, i)))
				}
				if err := d.Enqueue(batch...); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for i, r := range recs {
		wait(t, r.done, fmt.Sprintf("handler %d", i))
	}
	stop()

	got0 := recs[0].accepted()
	for p := range producers {
		var mine []string
		for _, n := range got0 {
			var q, i int
			if _, err := fmt.Sscanf(n, "RemoteEndpointCreated p%d-%d", &q, &i); err != nil {
				t.Fatalf("unexpected notification %q: %v", n, err)
			}
			if q == p {
				mine = append(mine, n)
			}
		}
		var want []string
		for i := range each {
			want = append(want, fmt.Sprintf("RemoteEndpointCreated p%d-%03d", p, i))
		}
		if diff := cmp.Diff(want, mine); diff != "" {
			t.Errorf("producer %d's notifications out of order (-want +got):\n%s", p, diff)
		}
	}
	// Enqueue calls are serialized, so every handler sees one sequence.
	for i, r := range recs[1:] {
		if diff := cmp.Diff(got0, r.accepted()); diff != "" {
			t.Errorf("handler %d saw another sequence than handler 0 (-0 +%d):\n%s", i+1, i+1, diff)
		}
	}
}

func TestOptionalInterfaces(t *testing.T) {
	ns := []endpoint.Effect{
		note(endpoint.LocalEndpointCreated, "home-b"),
		note(endpoint.RemoteEndpointCreated, "east-b"),
		note(endpoint.StaleRemoteEndpointRemoved, "east-a"),
		note(endpoint.StaleLocalEndpointRemoved, "home-a"),
		note(endpoint.RemoteEndpointUpdated, "east-b"),
		note(endpoint.LocalEndpointRemoved, "home-b"),
		note(endpoint.RemoteEndpointRemoved, "east-b"),
	}
	remote := []string{
		"RemoteEndpointCreated east-b",
		"RemoteEndpointUpdated east-b",
		"RemoteEndpointRemoved east-b",
	}
	health := []string{
		"RemoteEndpointCreated east-b",
		"StaleRemoteEndpointRemoved east-a",
		"RemoteEndpointUpdated east-b",
		"RemoteEndpointRemoved east-b",
	}
	every, routes, checker := newRecorder(len(ns)), newRecorder(len(remote)), newRecorder(len(health))
	d, err := dispatch.New([]endpoint.Handler{every.all(), remoteOnly{routes}, remoteAndStale{remoteOnly{checker}}})
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, d)
	if err := d.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	// The route handler's last notification comes after two it does not
	// implement: reaching it shows they were skipped, not stuck.
	for _, r := range []*recorder{every, routes, checker} {
		wait(t, r.done, "a handler")
	}
	stop()
	for _, c := range []struct {
		name string
		want []string
		r    *recorder
	}{{"HandlerFuncs", strs(ns), every}, {"Handler only", remote, routes}, {"Handler+StaleHandler", health, checker}} {
		if diff := cmp.Diff(c.want, c.r.accepted()); diff != "" {
			t.Errorf("%s accepted (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestFailingHandlerWaitsAlone(t *testing.T) {
	ns := []endpoint.Effect{
		note(endpoint.RemoteEndpointCreated, "east-a"),
		note(endpoint.RemoteEndpointCreated, "east-b"),
		note(endpoint.StaleRemoteEndpointRemoved, "east-a"),
		note(endpoint.RemoteEndpointRemoved, "east-b"),
	}
	release := make(chan struct{})
	routes, checker := newRecorder(len(ns)-1), newRecorder(len(ns))
	routes.fail = func(string) error {
		select {
		case <-release:
			return nil
		default:
			return errBusy
		}
	}
	const retries = 3
	reps := newReports(retries)
	d, err := dispatch.New([]endpoint.Handler{remoteOnly{routes}, remoteAndStale{remoteOnly{checker}}},
		dispatch.WithRetry(every(time.Millisecond)),
		dispatch.WithErrorFunc(reps.record))
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, d)
	if err := d.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}

	wait(t, checker.done, "the health checker")
	wait(t, reps.reached, "the route handler's retries")
	if got := routes.accepted(); len(got) != 0 {
		t.Errorf("route handler accepted %q while its first notification was failing", got)
	}
	for _, r := range reps.all() {
		want := report{Handler: 0, N: ns[0].String(), Err: errBusy, RetryIn: time.Millisecond}
		if diff := cmp.Diff(want, r, cmpopts.EquateErrors()); diff != "" {
			t.Fatalf("ErrorFunc call (-want +got):\n%s", diff)
		}
	}

	close(release)
	wait(t, routes.done, "the route handler after release")
	stop()
	want := []string{"RemoteEndpointCreated east-a", "RemoteEndpointCreated east-b", "RemoteEndpointRemoved east-b"}
	if diff := cmp.Diff(want, routes.accepted()); diff != "" {
		t.Errorf("route handler accepted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(strs(ns), checker.accepted()); diff != "" {
		t.Errorf("health checker accepted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0, 0}, d.Pending()); diff != "" {
		t.Errorf("Pending (-want +got):\n%s", diff)
	}
}

func TestCancelDuringRetryWait(t *testing.T) {
	rec := newRecorder(1)
	rec.fail = func(string) error { return errBusy }
	reps := newReports(1)
	d, err := dispatch.New([]endpoint.Handler{rec.all()},
		dispatch.WithRetry(every(time.Hour)),
		dispatch.WithErrorFunc(reps.record))
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, d)
	ns := []endpoint.Effect{note(endpoint.RemoteEndpointCreated, "east-a"), note(endpoint.RemoteEndpointCreated, "east-b")}
	if err := d.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	wait(t, reps.reached, "the first failure")
	// Run must end the hour-long wait rather than sit it out; stop fails the
	// test if it does not return within the guard.
	stop()

	want := []report{{Handler: 0, N: ns[0].String(), Err: errBusy, RetryIn: time.Hour}}
	if diff := cmp.Diff(want, reps.all(), cmpopts.EquateErrors()); diff != "" {
		t.Errorf("ErrorFunc calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2}, d.Pending()); diff != "" {
		t.Errorf("Pending after stop (-want +got):\n%s", diff)
	}
	if err := d.Enqueue(ns[0]); !errors.Is(err, dispatch.ErrStopped) {
		t.Errorf("Enqueue after stop = %v, want %v", err, dispatch.ErrStopped)
	}
	if diff := cmp.Diff([]int{2}, d.Pending()); diff != "" {
		t.Errorf("Pending after a refused Enqueue (-want +got):\n%s", diff)
	}
}

// A notification of an unknown kind is given up at once, reported with
// NoRetry, and the next one is delivered.
func TestGiveUpUnknownKind(t *testing.T) {
	first, next := note(0, "east-a"), note(endpoint.RemoteEndpointCreated, "east-b")
	rec := newRecorder(1)
	reps := newReports(1)
	d, err := dispatch.New([]endpoint.Handler{rec.all()},
		dispatch.WithRetry(every(time.Hour)),
		dispatch.WithErrorFunc(reps.record))
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, d)
	if err := d.Enqueue(first, next); err != nil {
		t.Fatal(err)
	}
	wait(t, rec.done, "the next notification")
	stop()
	if diff := cmp.Diff([]string{next.String()}, rec.accepted()); diff != "" {
		t.Errorf("accepted (-want +got):\n%s", diff)
	}
	got := reps.all()
	var unknown *endpoint.UnknownKindError
	if len(got) != 1 || got[0].N != first.String() || got[0].RetryIn != dispatch.NoRetry || !errors.As(got[0].Err, &unknown) {
		t.Errorf("ErrorFunc calls = %+v, want one for %v with an *endpoint.UnknownKindError and retryIn NoRetry", got, first)
	}
}
