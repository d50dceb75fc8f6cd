package mcskube_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/mcskube"
)

// noMCS answers every request for the MCS API group as an API server
// without the MCS CRDs does: 404, "the server could not find the
// requested resource".
type noMCS struct{ rt http.RoundTripper }

func (n noMCS) WrappedRoundTripper() http.RoundTripper { return n.rt }

func (n noMCS) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, "/apis/multicluster.x-k8s.io/") {
		return n.rt.RoundTrip(req)
	}
	body := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}`
	return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Request: req,
		Header: http.Header{"Content-Type": []string{"application/json"}}, Body: io.NopCloser(strings.NewReader(body))}, nil
}

// Without the MCS CRDs the lists fail with NotFound, forever: the adapter
// says, once and at default verbosity, how to install them, and logs each
// source's failure once, not on every retry.
func TestMissingCRDsHintedOnce(t *testing.T) {
	env := kubetest.Shared(t)
	env.Admin(t)
	ns := env.Namespace(t)
	c := kubetest.NewWrappedClients(t, env.UserWithRole(t, "mcs-agent-nocrd", "discovery.yaml"),
		func(rt http.RoundTripper) http.RoundTripper { return noMCS{rt} })

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	var logs kubetest.SyncBuffer
	a, err := mcskube.New(mcskube.Config{Client: c.Kube, MCS: c.MCS, Namespace: ns, Machine: mcs.Config{ClusterID: clusterID},
		Log: funcr.New(func(p, a string) { _, _ = logs.Write([]byte(p + " " + a + "\n")) }, funcr.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 15*time.Second, "two lists of each MCS resource", func() bool {
		n := c.Count.Snapshot()
		return n["LIST serviceexports"] >= 2 && n["LIST serviceimports"] >= 2
	})
	r.Stop(t)
	out := logs.String()
	if n := strings.Count(out, "install the MCS CRDs"); n != 1 {
		t.Errorf("the hint logged %d times, want once; logs:\n%s", n, out)
	}
	if n := strings.Count(out, "list or watch failed"); n != 2 {
		t.Errorf("%d failures logged at default verbosity, want one per MCS source; logs:\n%s", n, out)
	}
	if a.Status().Synced {
		t.Error("synced without the MCS resources")
	}
}
