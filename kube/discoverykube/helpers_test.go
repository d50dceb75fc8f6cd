package discoverykube_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"
	"sigs.k8s.io/yaml"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

// admin returns the administrator's clients, warmed up so that their
// connection exists before a test takes its goroutine baseline.
func admin(t *testing.T, env *kubetest.Env) (kubernetes.Interface, mcsclient.Interface) {
	t.Helper()
	cs := kubernetes.NewForConfigOrDie(env.Config)
	mcsClient := mcsclient.NewForConfigOrDie(env.Config)
	if _, err := cs.CoreV1().Namespaces().Get(context.Background(), "default", metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	return cs, mcsClient
}

// discoveryRole is config/rbac/discovery.yaml, the role under test.
func discoveryRole(t *testing.T) *rbacv1.ClusterRole {
	t.Helper()
	b, err := os.ReadFile("../../config/rbac/discovery.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(b, &role); err != nil {
		t.Fatalf("discovery.yaml: %v", err)
	}
	return &role
}

// userWithRole creates role (once), binds a new user to it and nothing
// else, waits until the authorizer knows, and returns the user's config.
func userWithRole(t *testing.T, env *kubetest.Env, user string, role *rbacv1.ClusterRole) *rest.Config {
	t.Helper()
	cs := kubernetes.NewForConfigOrDie(env.Config)
	ctx := context.Background()
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role.Name + "-" + user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range role.Rules {
		res, sub, _ := strings.Cut(r.Resources[0], "/")
		waitFor(t, 10*time.Second, "the authorizer to allow "+user, func() bool {
			rev, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
				Spec: authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: &authorizationv1.ResourceAttributes{
					Group: r.APIGroups[0], Resource: res, Subresource: sub, Verb: r.Verbs[len(r.Verbs)-1]}}}, metav1.CreateOptions{})
			return err == nil && rev.Status.Allowed
		})
	}
	cfg, err := env.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// clients are an adapter's clients, sharing one HTTP client whose
// requests are counted.
type clients struct {
	kube  kubernetes.Interface
	mcs   mcsclient.Interface
	count *counter
	hc    *http.Client
}

func newClients(t *testing.T, cfg *rest.Config) *clients {
	t.Helper()
	return newWrappedClients(t, cfg, nil)
}

// newWrappedClients is newClients with wrap, if not nil, between the
// request counter and the transport.
func newWrappedClients(t *testing.T, cfg *rest.Config, wrap func(http.RoundTripper) http.RoundTripper) *clients {
	t.Helper()
	c := &clients{count: &counter{n: map[string]int{}}}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		if wrap != nil {
			rt = wrap(rt)
		}
		return c.count.wrap(rt)
	})
	var err error
	if c.hc, err = rest.HTTPClientFor(cfg); err != nil {
		t.Fatal(err)
	}
	if c.kube, err = kubernetes.NewForConfigAndClient(cfg, c.hc); err != nil {
		t.Fatal(err)
	}
	if c.mcs, err = mcsclient.NewForConfigAndClient(cfg, c.hc); err != nil {
		t.Fatal(err)
	}
	return c
}

// close drops the idle connections, whose goroutines would otherwise
// outlive the test.
func (c *clients) close() { utilnet.CloseIdleConnectionsFor(c.hc.Transport) }

// counter counts requests by verb and resource: "DELETE serviceimports",
// "LIST services", "WATCH services", "PUT serviceexports/status".
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

type countingRT struct {
	c  *counter
	rt http.RoundTripper
}

func (c *counter) wrap(rt http.RoundTripper) http.RoundTripper { return countingRT{c, rt} }

// WrappedRoundTripper lets client-go reach the transport underneath, to
// close its idle connections.
func (r countingRT) WrappedRoundTripper() http.RoundTripper { return r.rt }

func (r countingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	r.c.mu.Lock()
	r.c.n[requestKey(req)]++
	r.c.mu.Unlock()
	return r.rt.RoundTrip(req)
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

func (c *counter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

// requestKey names a request: its verb (LIST and WATCH told apart from
// GET) and its resource and subresource.
func requestKey(req *http.Request) string {
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	switch {
	case len(segs) >= 2 && segs[0] == "api":
		segs = segs[2:]
	case len(segs) >= 3 && segs[0] == "apis":
		segs = segs[3:]
	default:
		return req.Method + " " + req.URL.Path
	}
	if len(segs) >= 3 && segs[0] == "namespaces" {
		segs = segs[2:]
	}
	verb := req.Method
	if verb == http.MethodGet && len(segs) == 1 {
		verb = "LIST"
		if req.URL.Query().Get("watch") == "true" {
			verb = "WATCH"
		}
	}
	res := strings.Join(segs[:min(len(segs), 1)], "")
	if len(segs) >= 3 {
		res += "/" + segs[2]
	}
	return verb + " " + res
}

// noLeaks is the goleak check of an adapter test: every goroutine the
// test started is gone, except the pooled connections of the clients'
// HTTP transports (kubetest.LeakOptions), which belong to the caller's
// clients, not to the adapter.
func noLeaks(t *testing.T) func() {
	opts := append([]goleak.Option{goleak.IgnoreCurrent()}, kubetest.LeakOptions()...)
	return func() { goleak.VerifyNone(t, opts...) }
}

// waitFor polls cond every 10 ms until it holds, failing after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running is an adapter's Run in a goroutine.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

func start(run func(context.Context) error) *running {
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx) }()
	return r
}

// stop cancels Run and waits for it, which must be prompt.
func (r *running) stop(t testing.TB) {
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

// returned reports whether Run has returned, and its error.
func (r *running) returned() (bool, error) {
	select {
	case err := <-r.done:
		r.done <- err
		return true, err
	default:
		return false, nil
	}
}
