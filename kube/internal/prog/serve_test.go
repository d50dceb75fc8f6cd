package prog

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

// get fetches url with token, if any, and returns the status and body.
func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the server's certificate is self-signed
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Plain HTTP on localhost; the probes say what ready says.
func TestServeLocal(t *testing.T) {
	reg := prometheus.NewRegistry()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "test_gauge", Help: "A test gauge."})
	reg.MustRegister(g)
	notReady := errors.New("informers not synced")
	ready := notReady
	ctx, cancel := context.WithCancel(context.Background())
	var s Servers
	err := s.Start(ctx, Options{MetricsAddr: "127.0.0.1:0", ProbeAddr: "127.0.0.1:0"}, nil, reg,
		func() error { return ready }, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Wait()
	defer cancel()
	if code, body := get(t, "http://"+s.MetricsAddr.String()+"/metrics", ""); code != 200 || !strings.Contains(body, "test_gauge 0") {
		t.Errorf("metrics: %d %s", code, body)
	}
	probe := "http://" + s.ProbeAddr.String()
	if code, _ := get(t, probe+"/healthz", ""); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	if code, body := get(t, probe+"/readyz", ""); code != 503 || !strings.Contains(body, "informers not synced") {
		t.Errorf("/readyz before: %d %s", code, body)
	}
	ready = nil
	if code, _ := get(t, probe+"/readyz", ""); code != 200 {
		t.Errorf("/readyz after: %d", code)
	}
	// A port taken fails at once.
	var s2 Servers
	if err := s2.Start(ctx, Options{MetricsAddr: s.MetricsAddr.String(), ProbeAddr: "0"}, nil, reg, nil, logr.Discard()); err == nil {
		t.Error("a metrics address in use was accepted")
	}
}

// Secure metrics: HTTPS, and a scrape without a token, with a token of a
// user who may not get /metrics, or with a bad token, is refused; a
// ServiceAccount bound to get /metrics scrapes. The server runs as the
// discovery ClusterRole's user, whose tokenreviews and
// subjectaccessreviews rules are enough.
func TestServeSecure(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	server := env.UserWithRole(t, "metrics-server", "discovery.yaml")
	ctx := context.Background()

	token := func(sa string) string {
		t.Helper()
		if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	scraper, stranger := token("scraper"), token("stranger")
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "metrics-reader-" + ns},
		Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: role.Name},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "scraper", Namespace: ns}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kubetest.WaitFor(t, 10*time.Second, "the binding in the authorizer", func() bool {
		r, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: "system:serviceaccount:" + ns + ":scraper", NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: "/metrics", Verb: "get"}}},
			metav1.CreateOptions{})
		return err == nil && r.Status.Allowed
	})

	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "test_gauge", Help: "A test gauge."}))
	runCtx, cancel := context.WithCancel(ctx)
	var s Servers
	if err := s.Start(runCtx, Options{MetricsAddr: "127.0.0.1:0", MetricsSecure: true, ProbeAddr: "0"}, server, reg, nil, logr.Discard()); err != nil {
		t.Fatal(err)
	}
	defer s.Wait()
	defer cancel()
	url := "https://" + s.MetricsAddr.String() + "/metrics"
	for _, c := range []struct {
		who, token string
		want       int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"a bad token", "not-a-token", http.StatusUnauthorized},
		{"a user without the role", stranger, http.StatusForbidden},
		{"the scraper", scraper, http.StatusOK},
		{"the scraper again (cached)", scraper, http.StatusOK},
	} {
		if code, body := get(t, url, c.token); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.who, code, body, c.want)
		} else if code == http.StatusOK && !strings.Contains(body, "test_gauge") {
			t.Errorf("%s: %s", c.who, body)
		}
	}
	if code, _ := get(t, "http://"+s.MetricsAddr.String()+"/metrics", scraper); code == http.StatusOK {
		t.Error("plain HTTP served on the secure address")
	}
}
