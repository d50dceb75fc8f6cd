package ipamkube_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/config"
	"github.com/meshstate/meshstate/kube/ipamkube"
	"github.com/meshstate/meshstate/lookup"
)

// A user without the ClusterRole: every list is refused (403). That is a
// Permanent error, reported in State, and Run neither returns nor spins:
// the informers back off, so a few seconds see only a handful of requests.
func TestUnboundUser(t *testing.T) {
	h := newHarness(t)
	nobody, err := h.env.AddUser("nobody-" + h.ns)
	if err != nil {
		t.Fatal(err)
	}
	h.user = nobody // so that leakCheck closes its connections
	defer h.leakCheck()()
	count := &counter{}
	cfg := h.config(nil)
	cfg.REST = rest.CopyConfig(nobody)
	cfg.REST.Wrap(func(rt http.RoundTripper) http.RoundTripper { count.next = rt; return count })
	logs := &logSink{}
	cfg.Logger = funcr.New(logs.write, funcr.Options{})
	r := h.start(cfg)

	var refused *ipamkube.APIError
	waitFor(t, 10*time.Second, "a refusal in State", func() (bool, string) {
		refused = r.State().LastError
		return refused != nil, ""
	})
	if !apierrors.IsForbidden(refused) || refused.Class != lookup.Permanent || lookup.Classify(refused) != lookup.Permanent {
		t.Errorf("State().LastError = %v (class %v), want a Forbidden error classified Permanent", refused, refused.Class)
	}
	start := len(count.matching(func(string, string) bool { return true }))
	time.Sleep(3 * time.Second)
	during := len(count.matching(func(string, string) bool { return true })) - start
	// Two informers, each backing off from 0.8s doubling: a tight loop
	// would make thousands.
	if during > 12 {
		t.Errorf("%d requests in 3s while refused: a retry loop without backoff", during)
	}
	t.Logf("requests in 3s while refused: %d", during)
	if st := r.State(); st.Synced || st.Owners != 0 {
		t.Errorf("State %+v: synced or holding owners without being able to list", st)
	}
	select {
	case <-r.exited:
		t.Fatalf("Run returned %v while refused; it should keep retrying", r.err)
	default:
	}
	r.stopCleanly(t)
	// Each refused list is logged once, as an error, by the loop that
	// saw it; the adapter keeps it for State without a second line
	// (issue 16 saw every failure twice).
	if !logs.contains(`"msg"="list or watch failed; the informer retries with backoff"`) {
		t.Errorf("the refusal was not logged as an error: %q", logs.lines())
	}
	if logs.contains(`"msg"="API request refused; retrying slowly"`) {
		t.Errorf("a refused list was logged twice: %q", logs.lines())
	}
}

// logSink keeps what a funcr logger writes.
type logSink struct {
	mu  sync.Mutex
	buf []string
}

func (l *logSink) write(prefix, args string) {
	l.mu.Lock()
	l.buf = append(l.buf, prefix+" "+args)
	l.mu.Unlock()
}

func (l *logSink) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.buf)
}

func (l *logSink) contains(s string) bool {
	return slices.ContainsFunc(l.lines(), func(line string) bool { return strings.Contains(line, s) })
}

// A user allowed everything but Services: an owner whose status records
// an address recovers it, and its lookup, refused, is reported on the
// owner (DependencyReady=False, LookupDenied) and retried slowly; the
// address is kept.
func TestLookupDenied(t *testing.T) {
	h := newHarness(t)
	h.user = h.bindWithout(t, "services")
	defer h.leakCheck()()
	const recorded = "242.254.0.10"
	h.createRecorded(t, "gip", recorded)

	count := &counter{}
	r := h.start(h.config(func(rt http.RoundTripper) http.RoundTripper { count.next = rt; return count }))
	waitFor(t, 20*time.Second, "LookupDenied", func() (bool, string) {
		g := h.statuses()["gip"]
		c := meta.FindStatusCondition(g.Status.Conditions, ipam.ConditionDependencyReady)
		return c != nil && c.Reason == ipam.ReasonLookupDenied, condString(c)
	})
	time.Sleep(2 * time.Second)
	st := r.State()
	r.stopCleanly(t)

	g := h.statuses()["gip"]
	if !slices.Equal(g.Status.Addresses, []string{recorded}) {
		t.Errorf("addresses %v, want %s kept", g.Status.Addresses, recorded)
	}
	gets := count.matching(func(method, path string) bool {
		return method == http.MethodGet && strings.HasSuffix(path, "/services/"+v1alpha1.InternalServiceName("gip"))
	})
	if len(gets) != 1 {
		t.Errorf("looked up %d times in 2s, want once (the retry is slow): %v", len(gets), gets)
	}
	if st.Retries == 0 {
		t.Errorf("no retry scheduled after the refusal: %+v", st)
	}
	var e *ipamkube.APIError
	if !errors.As(st.LastError, &e) || e.Class != lookup.Permanent {
		t.Errorf("State().LastError = %v, want a Permanent refusal", st.LastError)
	}
}

// bindWithout returns a new user bound to config/rbac/ipam.yaml less the
// rules on resource.
func (h *harness) bindWithout(t *testing.T, resource string) *rest.Config {
	t.Helper()
	b, err := fs.ReadFile(config.RBAC(), "ipam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(b, &role); err != nil {
		t.Fatal(err)
	}
	role.Name = "ipam-without-" + resource + "-" + h.ns
	role.Rules = slices.DeleteFunc(role.Rules, func(r rbacv1.PolicyRule) bool { return slices.Contains(r.Resources, resource) })
	user := role.Name
	ctx := context.Background()
	if _, err := h.kube.RbacV1().ClusterRoles().Create(ctx, &role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role.Name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	if _, err := h.kube.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := h.env.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the authorizer has the binding.
	gips := h.dynFor(t, cfg)
	waitFor(t, 10*time.Second, "the binding in effect", func() (bool, string) {
		_, err := gips.List(ctx, metav1.ListOptions{})
		return err == nil, errString(err)
	})
	return cfg
}

// createRecorded creates an owner with an internal Service whose status
// already records addr, as a previous run would have left it.
func (h *harness) createRecorded(t *testing.T, name, addr string) {
	t.Helper()
	netip.MustParseAddr(addr)
	u, err := v1alpha1.ToUnstructured(&v1alpha1.GlobalIP{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: h.ns},
		Spec:       v1alpha1.GlobalIPSpec{InternalService: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if u, err = h.gips.Create(ctx, u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	u.Object["status"] = map[string]any{"addresses": []any{addr}}
	if _, err := h.gips.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
