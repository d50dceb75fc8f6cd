package kubetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/lookup"
)

// Adapter is what vipkube's and mcskube's adapters have in common.
type Adapter interface {
	// Run runs the adapter until ctx is done.
	Run(ctx context.Context) error
	// Status returns a snapshot of its progress.
	Status() adapter.Status
}

// CheckForbiddenList runs a, whose clients c belong to a user without any
// role, so that every list is Forbidden, and checks that a reports a
// Permanent *adapter.WatchError in Status and keeps running (no crash
// loop); that the informers of resources retry with backoff (no tight
// loop: a handful of lists in five seconds); that a decides nothing; and
// that Run returns promptly once cancelled.
func CheckForbiddenList(t *testing.T, c *Clients, a Adapter, resources ...string) {
	t.Helper()
	began := time.Now()
	r := Go(a.Run)
	WaitFor(t, 10*time.Second, "a Permanent watch error in the adapter's status", func() bool {
		var we *adapter.WatchError
		return errors.As(a.Status().LastError, &we) && we.Class == lookup.Permanent
	})
	t.Logf("surfaced after %v: %v", time.Since(began).Round(time.Millisecond), a.Status().LastError)
	time.Sleep(5*time.Second - time.Since(began))
	if ok, err := r.Returned(); ok {
		t.Fatalf("Run gave up: %v", err)
	}
	counts := c.Count.Snapshot()
	t.Logf("requests in %v: %v", time.Since(began).Round(time.Millisecond), counts)
	for _, res := range resources {
		if n := counts["LIST "+res]; n == 0 || n > 10 {
			t.Errorf("%d lists of %s in 5s: want a few, with backoff", n, res)
		}
	}
	if st := a.Status(); st.Synced || st.Events != 0 {
		t.Errorf("the adapter decided without its sources: %+v", st)
	}
	stopAt := time.Now()
	r.Stop(t)
	t.Logf("Run returned %v after cancel", time.Since(stopAt).Round(time.Millisecond))
}
