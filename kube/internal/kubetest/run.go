package kubetest

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// NoLeaks is the goleak check of an adapter test, to defer from where the
// test's goroutine baseline is: every goroutine the test started is gone,
// except the pooled connections of the clients' HTTP transports
// (LeakOptions), which belong to the caller's clients, not to the
// adapter.
func NoLeaks(t testing.TB) func() {
	opts := append([]goleak.Option{goleak.IgnoreCurrent()}, LeakOptions()...)
	return func() { goleak.VerifyNone(t, opts...) }
}

// WaitFor polls cond every 10 ms until it holds, failing t after timeout.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Running is an adapter's Run in a goroutine.
type Running struct {
	cancel context.CancelFunc
	done   chan error
}

// Go calls run in a goroutine, with a context Stop cancels.
func Go(run func(context.Context) error) *Running {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx) }()
	return r
}

// Stop cancels Run and waits for it, which must be prompt, and fails t if
// it returned an error.
func (r *Running) Stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of its context ending")
	}
}

// Returned reports whether Run has returned, and its error.
func (r *Running) Returned() (bool, error) {
	select {
	case err := <-r.done:
		r.done <- err
		return true, err
	default:
		return false, nil
	}
}
