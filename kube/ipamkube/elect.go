package ipamkube

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/meshstate/meshstate/lookup"
)

// elect campaigns for the Lease and runs a term while holding it.
//
// client-go's elector runs OnStartedLeading in a goroutine it does not
// wait for, and, with ReleaseOnCancel, releases the Lease as soon as its
// context is done. So the term runs here instead, on Run's goroutine,
// and the elector's own context is cancelled only after the term has
// stopped: the Lease is never released while a request of this term may
// still be under way.
func (a *Adapter) elect(ctx context.Context) error {
	cfg := a.cfg.LeaderElection
	lock := &reportingLock{
		Interface: &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: cfg.Namespace, Name: cfg.Name},
			Client:     a.clients.kube.CoordinationV1(),
			LockConfig: resourcelock.ResourceLockConfig{Identity: cfg.Identity},
		},
		a: a,
	}
	started := make(chan context.Context, 1) // the elector leads at most once per Run
	elector, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		Name:            cfg.Name,
		LeaseDuration:   cfg.LeaseDuration,
		RenewDeadline:   cfg.RenewDeadline,
		RetryPeriod:     cfg.RetryPeriod,
		ReleaseOnCancel: cfg.ReleaseOnCancel,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(term context.Context) { started <- term },
			OnStoppedLeading: func() {},
		},
	})
	if err != nil {
		return fmt.Errorf("%w: LeaderElection: %w", ErrInvalidConfig, err)
	}
	electCtx, stopElecting := context.WithCancel(context.WithoutCancel(ctx))
	defer stopElecting()
	elected := make(chan struct{})
	go func() {
		defer close(elected)
		elector.Run(electCtx)
	}()
	log := a.cfg.Logger.WithValues("lease", cfg.Namespace+"/"+cfg.Name, "identity", cfg.Identity)
	log.Info("campaigning for leadership")
	var termErr error
	select {
	case term := <-started:
		log.Info("leadership gained")
		// The term ends when the Lease is lost (term is cancelled) or
		// when Run's context is done.
		termCtx, stop := context.WithCancel(term)
		unlink := context.AfterFunc(ctx, stop)
		termErr = a.term(termCtx)
		unlink()
		stop()
	case <-ctx.Done():
	}
	stopElecting() // releases the Lease, with ReleaseOnCancel
	<-elected
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case termErr != nil && !errors.Is(termErr, context.Canceled):
		return termErr
	}
	log.Info("leadership lost: stopped allocating")
	return ErrLeadershipLost
}

// reportingLock reports the Lease requests that fail, which the elector
// only logs through klog, in the adapter's State: a replica that may not
// read its Lease must say so where a health check looks.
type reportingLock struct {
	resourcelock.Interface
	a *Adapter
}

func (l *reportingLock) note(err error) error {
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		// The elector logs the failure itself (through klog, which a
		// program routes into its logger): kept for State, not logged a
		// second time.
		l.a.recordError("lease", lookup.Classify(err), err)
	}
	return err
}

// Get implements resourcelock.Interface.
func (l *reportingLock) Get(ctx context.Context) (*resourcelock.LeaderElectionRecord, []byte, error) {
	r, b, err := l.Interface.Get(ctx)
	return r, b, l.note(err)
}

// Create implements resourcelock.Interface.
func (l *reportingLock) Create(ctx context.Context, r resourcelock.LeaderElectionRecord) error {
	return l.note(l.Interface.Create(ctx, r))
}

// Update implements resourcelock.Interface.
func (l *reportingLock) Update(ctx context.Context, r resourcelock.LeaderElectionRecord) error {
	return l.note(l.Interface.Update(ctx, r))
}
