package endpointkube_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/endpointkube"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/lookup"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

// Incident 000 against a real API server, run as the documented role: the
// old gateway endpoint of east is superseded by the new one and deleted;
// stale-aware handlers learn it as a stale removal, handlers that are not
// never see east torn down. A malformed object is skipped. A restart
// announces each cluster's active endpoint once, and the trace replays to
// the same notifications.
func TestIncident000ForReal(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	admin := dynamic.NewForConfigOrDie(env.Config)
	adapter := env.UserWithRole(t, "endpoint-adapter", "endpoint.yaml")
	defer goleak.VerifyNone(t, append(kubetest.LeakOptions(), goleak.IgnoreCurrent())...)

	create(t, admin, ns, "west-gw", v1alpha1.GatewayEndpointSpec{ClusterID: "west", HealthCheckIP: "10.1.0.5"})
	create(t, admin, ns, "east-old", v1alpha1.GatewayEndpointSpec{ClusterID: "east", HealthCheckIP: "10.2.0.7", Sequence: 1})

	stale, plain := make(recorder, 64), make(recorder, 64)
	run := start(t, adapter, ns, stale.handler(), endpoint.HandlerFuncs{
		RemoteCreated: plain.add(endpoint.RemoteEndpointCreated),
		RemoteRemoved: plain.add(endpoint.RemoteEndpointRemoved),
	})
	stale.expect(t, endpoint.LocalEndpointCreated, "west-gw")
	stale.expect(t, endpoint.RemoteEndpointCreated, "east-old")
	plain.expect(t, endpoint.RemoteEndpointCreated, "east-old")

	create(t, admin, ns, "east-new", v1alpha1.GatewayEndpointSpec{ClusterID: "east", HealthCheckIP: "10.2.0.11", Sequence: 2})
	stale.expect(t, endpoint.RemoteEndpointCreated, "east-new")
	plain.expect(t, endpoint.RemoteEndpointCreated, "east-new")
	create(t, admin, ns, "east-bad", v1alpha1.GatewayEndpointSpec{ClusterID: "east", HealthCheckIP: "not-an-ip", Sequence: 3})
	if err := admin.Resource(v1alpha1.GatewayEndpointResource).Namespace(ns).Delete(context.Background(), "east-old", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	stale.expect(t, endpoint.StaleRemoteEndpointRemoved, "east-old")
	stale.quiet(t, 500*time.Millisecond)
	plain.quiet(t, 0)
	if a, ok := run.src.Active("east"); !ok || a.Name != "east-new" {
		t.Fatalf("active endpoint of east: %v %v", a.Name, ok)
	}
	run.stop(t)

	// The trace replays to what the handlers saw.
	var replayed []endpoint.Effect
	m, _ := endpoint.New(endpoint.Config{LocalClusterID: "west"})
	sc := bufio.NewScanner(run.trace)
	for sc.Scan() {
		ev, err := endpoint.UnmarshalEvent(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		ns, err := m.Step(ev)
		if err != nil {
			t.Fatalf("replay of %s: %v", sc.Text(), err)
		}
		replayed = append(replayed, ns...)
	}
	want := []string{"LocalEndpointCreated west-gw", "RemoteEndpointCreated east-old",
		"RemoteEndpointCreated east-new", "StaleRemoteEndpointRemoved east-old"}
	if len(replayed) != len(want) {
		t.Fatalf("replay gave %d notifications, want %v", len(replayed), want)
	}
	for i, n := range replayed {
		if got := n.Kind.String() + " " + n.Endpoint.Name; got != want[i] {
			t.Fatalf("replayed notification %d: %s, want %s", i, got, want[i])
		}
	}

	// Restart: each cluster's active endpoint is announced once.
	again := make(recorder, 64)
	restarted := start(t, adapter, ns, again.handler())
	again.expect(t, endpoint.LocalEndpointCreated, "west-gw")
	again.expect(t, endpoint.RemoteEndpointCreated, "east-new")
	again.quiet(t, 500*time.Millisecond)
	restarted.stop(t)
}

// A user without the role: the list is denied, the failure is classified
// Permanent and reported, nothing is announced, and Run still stops
// cleanly.
func TestForbiddenIsPermanentNotACrash(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	cfg, err := env.AddUser("endpoint-nobody")
	if err != nil {
		t.Fatal(err)
	}
	rec := make(recorder, 8)
	run := start(t, cfg, ns, rec.handler())
	deadline := time.Now().Add(10 * time.Second)
	for run.src.LastWatchError() == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	we := run.src.LastWatchError()
	if we == nil || we.Class != lookup.Permanent {
		t.Fatalf("watch error %v, want a Permanent one", we)
	}
	if run.src.HasSynced() {
		t.Fatal("synced without being allowed to list")
	}
	rec.quiet(t, 200*time.Millisecond)
	run.stop(t)
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	h := []endpoint.Handler{endpoint.HandlerFuncs{}}
	if _, err := endpointkube.New(endpointkube.Config{Namespace: "ns", Handlers: h}); !errors.Is(err, endpointkube.ErrInvalidConfig) {
		t.Errorf("no client: %v", err)
	}
	client := dynamic.New(nil)
	if _, err := endpointkube.New(endpointkube.Config{Client: client, Handlers: h}); !errors.Is(err, endpointkube.ErrInvalidConfig) {
		t.Errorf("no namespace: %v", err)
	}
}
