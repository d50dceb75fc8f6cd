package ipamkube_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/meshstate/meshstate/kube/ipamkube"
)

// elected is the test's leader election: short, so that a takeover takes
// about two seconds.
func (h *harness) elected(identity string) ipamkube.Config {
	cfg := h.config(nil)
	cfg.LeaderElection = &ipamkube.LeaderElection{Namespace: h.ns, Name: "ipam", Identity: identity,
		LeaseDuration: 2 * time.Second, RenewDeadline: time.Second, RetryPeriod: 200 * time.Millisecond}
	return cfg
}

// Failover: two replicas; the leader is killed (its context cancelled,
// the Lease not released, as in a crash) in the middle of a burst of new
// owners. The standby takes over; no address is given twice, and no owner
// allocated before the kill changes address.
func TestFailover(t *testing.T) {
	const n = 300
	h := newHarness(t)
	defer h.leakCheck()()
	hist := h.watchHistory()
	defer hist.stop()

	leader := h.start(h.elected("a"))
	waitFor(t, 10*time.Second, "a leads", func() (bool, string) { return leader.State().Leading, "" })
	standby := h.start(h.elected("b"))
	var both atomic.Bool
	stopWatching := watchLeaders(&both, leader, standby)

	specs := owners("gip", n, 10)
	var wg sync.WaitGroup
	wg.Go(func() { h.create(specs[:n/2]) })
	// Kill the leader once it has allocated part of the burst.
	waitFor(t, 30*time.Second, "a allocates", func() (bool, string) { return leader.State().Owners >= n/4, "" })
	if err := leader.stop(t); !errors.Is(err, context.Canceled) {
		t.Errorf("killed leader's Run returned %v, want context.Canceled", err)
	}
	wg.Wait()
	allocatedBefore := addresses(h.statuses())
	h.create(specs[n/2:])

	took := standby.settled(t, 30*time.Second, n)
	stopWatching()
	if both.Load() {
		t.Error("both replicas led at once")
	}
	standby.stopCleanly(t)
	t.Logf("the standby settled %v after the last owner was created", took)

	after := h.statuses()
	checkAllocated(t, after)
	h.checkServices(after)
	checkKept(t, allocatedBefore, addresses(after))
	hist.check(t)
}

// watchLeaders sets both if the replicas are ever seen leading together,
// until the returned function is called.
func watchLeaders(both *atomic.Bool, a, b *running) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				if a.State().Leading && b.State().Leading {
					both.Store(true)
				}
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// A leader whose Lease is taken from it stops within RenewDeadline, and
// Run says why.
func TestLeaseLostStopsRun(t *testing.T) {
	h := newHarness(t)
	defer h.leakCheck()()
	logs := &logSink{}
	cfg := h.elected("a")
	cfg.Logger = funcr.New(logs.write, funcr.Options{})
	r := h.start(cfg)
	waitFor(t, 10*time.Second, "a leads", func() (bool, string) { return r.State().Leading, "" })
	leases := h.kube.CoordinationV1().Leases(h.ns)
	intruder, long := "intruder", int32(60)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		lease, err := leases.Get(context.Background(), "ipam", metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.NewMicroTime(time.Now())
		lease.Spec = coordinationv1.LeaseSpec{HolderIdentity: &intruder, LeaseDurationSeconds: &long, AcquireTime: &now, RenewTime: &now}
		_, err = leases.Update(context.Background(), lease, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.exited:
		if !errors.Is(r.err, ipamkube.ErrLeadershipLost) {
			t.Fatalf("Run returned %v, want ErrLeadershipLost", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still running 5s after losing its Lease")
	}
	if r.State().Leading {
		t.Error("State says leading after Run returned")
	}
	// Each step is in the log at the default verbosity.
	for _, msg := range []string{"campaigning for leadership", "leadership gained", "leadership lost: stopped allocating", "recovery done"} {
		if !logs.contains(`"level"=0 "msg"="` + msg + `"`) {
			t.Errorf("no %q line: %q", msg, logs.lines())
		}
	}
}
