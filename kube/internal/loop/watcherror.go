package loop

import (
	"context"
	"errors"
	"io"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/lookup"
)

// routine reports whether err is part of an informer's normal life: a
// watch the server closed (EOF) or let expire (410 Gone, "too old
// resource version"), after which the informer rewatches or relists; or
// any error once ctx is done.
func routine(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		apierrors.IsResourceExpired(err) || apierrors.IsGone(err)
}

// watchError is the handler Run sets on source's informer: routine errors
// are logged at V(1), others classified, logged, kept for LastWatchError
// and passed to Config.OnWatchError.
func (r *Runner) watchError(source string) cache.WatchErrorHandlerWithContext {
	return func(ctx context.Context, _ *cache.Reflector, err error) {
		if routine(ctx, err) {
			r.log.V(1).Info("watch ended; the informer rewatches or relists", "source", source, "reason", err.Error())
			return
		}
		we := &adapter.WatchError{Source: source, Class: lookup.Classify(err), Err: err}
		if !r.cfg.QuietWatchErrors {
			r.log.Error(we, "list or watch failed; the informer retries with backoff", "source", source, "class", we.Class.String())
		}
		r.mu.Lock()
		r.lastErr = we
		r.mu.Unlock()
		if r.cfg.OnWatchError != nil {
			r.cfg.OnWatchError(we)
		}
	}
}

// LastWatchError returns the latest failure of any source's list or watch
// that was not routine, or nil.
func (r *Runner) LastWatchError() *adapter.WatchError {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}
