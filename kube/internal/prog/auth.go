package prog

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// How long a scrape's verdict is cached, so that a scraper every few
// seconds costs the API server a TokenReview and a SubjectAccessReview a
// minute; a refusal is cached briefly, so that a fixed binding is seen
// soon.
const (
	allowTTL   = time.Minute
	denyTTL    = 10 * time.Second
	maxEntries = 1024
	reviewWait = 10 * time.Second
)

// authFilter authenticates each request's bearer token with a
// TokenReview and authorizes the user for the request's non-resource
// path and verb (get /metrics) with a SubjectAccessReview, as
// controller-runtime's metrics filter (kubebuilder's default) does; the
// reviews need "create" on tokenreviews (authentication.k8s.io) and
// subjectaccessreviews (authorization.k8s.io).
type authFilter struct {
	cs  kubernetes.Interface
	log logr.Logger

	mu    sync.Mutex
	cache map[[sha256.Size]byte]verdict
}

type verdict struct {
	code    int // http.StatusOK, or the refusal
	message string
	until   time.Time
}

func newAuthFilter(cs kubernetes.Interface, log logr.Logger) *authFilter {
	return &authFilter{cs: cs, log: log, cache: map[[sha256.Size]byte]verdict{}}
}

func (f *authFilter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			http.Error(w, "Unauthorized: a bearer token is required", http.StatusUnauthorized)
			return
		}
		verb := strings.ToLower(r.Method)
		key := sha256.Sum256([]byte(verb + " " + r.URL.Path + " " + token))
		v, ok := f.cached(key)
		if !ok {
			ctx, cancel := context.WithTimeout(r.Context(), reviewWait)
			v = f.review(ctx, token, verb, r.URL.Path)
			cancel()
			if v.code != http.StatusInternalServerError {
				f.keep(key, v)
			}
		}
		if v.code != http.StatusOK {
			http.Error(w, v.message, v.code)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// review asks the API server who token is and whether they may verb path.
func (f *authFilter) review(ctx context.Context, token, verb, path string) verdict {
	tr, err := f.cs.AuthenticationV1().TokenReviews().Create(ctx,
		&authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
	if err != nil {
		f.log.Error(err, "TokenReview failed")
		return verdict{code: http.StatusInternalServerError, message: "authentication failed"}
	}
	if !tr.Status.Authenticated {
		f.log.V(1).Info("scrape refused: token not authenticated", "error", tr.Status.Error)
		return verdict{code: http.StatusUnauthorized, message: "Unauthorized", until: time.Now().Add(denyTTL)}
	}
	u := tr.Status.User
	extra := map[string]authorizationv1.ExtraValue{}
	for k, v := range u.Extra {
		extra[k] = authorizationv1.ExtraValue(v)
	}
	sar, err := f.cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{User: u.Username, Groups: u.Groups, UID: u.UID, Extra: extra,
			NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: path, Verb: verb}}}, metav1.CreateOptions{})
	if err != nil {
		f.log.Error(err, "SubjectAccessReview failed", "user", u.Username)
		return verdict{code: http.StatusInternalServerError, message: "authorization failed"}
	}
	if !sar.Status.Allowed {
		f.log.V(1).Info("scrape refused: not authorized", "user", u.Username, "verb", verb, "path", path, "reason", sar.Status.Reason)
		return verdict{code: http.StatusForbidden, until: time.Now().Add(denyTTL),
			message: fmt.Sprintf("Forbidden: user %q may not %s %s", u.Username, verb, path)}
	}
	return verdict{code: http.StatusOK, until: time.Now().Add(allowTTL)}
}

func (f *authFilter) cached(key [sha256.Size]byte) (verdict, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.cache[key]
	if !ok || time.Now().After(v.until) {
		return verdict{}, false
	}
	return v, true
}

func (f *authFilter) keep(key [sha256.Size]byte, v verdict) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cache) >= maxEntries {
		now := time.Now()
		for k, old := range f.cache {
			if now.After(old.until) {
				delete(f.cache, k)
			}
		}
		if len(f.cache) >= maxEntries {
			clear(f.cache)
		}
	}
	f.cache[key] = v
}
