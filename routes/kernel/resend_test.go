package kernel_test

import (
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
	"github.com/meshstate/meshstate/routes/kernel"
)

// Re-sending the same Desired retries at once the writes that failed:
// the user's way to say the world changed where no notification shows
// it. The failure (EPERM, permanent) is retried only every ten minutes
// otherwise, so the route's return within the liveness bound is the
// re-sent Desired's doing.
func TestResentDesiredRetriesAtOnce(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, _ := setup(t)
	a, err := kernel.New(ns.Handle, ns.NS, slowConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	a.Logf = t.Logf
	kernel.FailWrites(a, 2, unix.EPERM)
	d := desired("10.1.0.0/16", "10.2.0.0/16")
	r := start(t, a, d)
	waitFor(t, func() bool {
		p := a.Status().Pending
		return len(p) == 2 && p[0].Reason == routes.ReasonFailedPermanently
	})
	if got := listTable(t, ns.Handle, table); len(got) != 0 {
		t.Fatalf("table holds %q while both writes failed", got)
	}
	resent := time.Now()
	r.ch <- d
	want := []string{"10.1.0.0/16 250", "10.2.0.0/16 250"}
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), want) && a.Converged() })
	t.Logf("retried and applied %v after the re-sent Desired", time.Since(resent))
}
