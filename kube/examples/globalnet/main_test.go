package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/internal/prog"
	"github.com/meshstate/meshstate/kube/internal/progtest"
)

func TestMain(m *testing.M) {
	routeKlog = func(logr.Logger, int) {} // see routeKlog
	os.Exit(kubetest.Main(m))
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{},                                // no pool
		{"--pool", "242.254.0.1/16"},      // host bits
		{"--pool", "not-a-cidr"},          // not a prefix
		{"--pool", "242.254.0.0/16", "x"}, // stray argument
		{"--pool", "242.254.0.7/32"},      // one address
		{"--pool", "fd00::7/128"},         // one address
		{"--pool", "10.0.0.0/7"},          // too large
		{"--pool", "10.0.0.0/16", "--pool", "10.0.1.0/24"}, // overlapping
		{"--pool", "::ffff:10.0.0.0/120"},                  // IPv4-mapped
		{"--pool", "10.0.0.0/16", "--no-such-flag"},
		{"--pool", "10.0.0.0/16", "--leader-elect=maybe"},
		{"--pool", "10.0.0.0/16", "--metrics-bind-address", ":8443", "--metrics-secure=false"},
		{"--pool", "10.0.0.0/16", "--log-format", "yaml"},
	} {
		if _, err := parseFlags(args, io.Discard); !errors.Is(err, prog.ErrUsage) || prog.ExitCode(err) != 2 {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	o, err := parseFlags([]string{"--pool", "242.254.0.0/16", "-pool", "fd00:242::/112", "--identity", "x", "-metrics-addr", "0"}, io.Discard)
	if err != nil || len(o.pools) != 2 || o.identity != "x" || !o.leaderElect || o.MetricsAddr != "0" || o.ProbeAddr != ":8081" {
		t.Fatalf("parseFlags: %+v, %v", o, err)
	}
	if _, err := parseFlags([]string{"--pool", "10.0.0.0/31"}, io.Discard); err != nil {
		t.Errorf("a /31 (two addresses) refused: %v", err)
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// The binary's exit codes: 0 for help, 2 for bad usage, 1 for a failure
// at run time.
func TestExitCodes(t *testing.T) {
	bin := progtest.Build(t)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"-h"}, 0, "--pool"},
		{[]string{"--help"}, 0, "Exit status"},
		{[]string{"--no-such-flag"}, 2, "not defined"},
		{[]string{"--pool", "10.0.0.0/7"}, 2, "pool too large"},
		{[]string{"--pool", "10.0.0.0/16", "--pool", "10.0.0.0/24"}, 2, "overlapping"},
		{[]string{"--pool", "10.0.0.1/32"}, 2, "single address"},
		{[]string{"--pool", "10.0.0.0/16", "--metrics-bind-address", "0.0.0.0:8443", "--metrics-secure=false"}, 2, "requires --metrics-secure"},
		{[]string{"--pool", "10.0.0.0/16", "--kubeconfig", "/nonexistent/kubeconfig", "--metrics-bind-address", "0", "--health-probe-bind-address", "0"}, 1, "kubeconfig"},
	} {
		progtest.ExpectExit(t, bin, c.code, c.says, c.args...)
	}
}

// The binary, run against a real API server as the RBAC-bound user found
// through $KUBECONFIG, allocates a GlobalIP's address, is ready, serves
// its metrics (client-go's included) on localhost, logs JSON lines with
// timestamps (client-go's klog lines included: any other line fails), and
// exits 0 on SIGTERM. The binary, not run: in the test binary envtest's
// controller-runtime has taken client-go's metric hooks first.
func TestAllocates(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "globalnet-"+ns, "ipam.yaml")
	bin := progtest.Build(t)
	p := progtest.Start(t, bin, []string{"KUBECONFIG=" + progtest.WriteKubeconfig(t, user)},
		"--pool", "242.254.0.0/16", "--namespace", ns, "--lease-namespace", ns, "--identity", "test",
		"--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json")

	ctx := context.Background()
	gips := dynamic.NewForConfigOrDie(env.Config).Resource(v1alpha1.GlobalIPResource).Namespace(ns)
	u, err := v1alpha1.ToUnstructured(&v1alpha1.GlobalIP{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gips.Create(ctx, u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kubetest.WaitFor(t, 20*time.Second, "the allocation", func() bool {
		u, err := gips.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var g v1alpha1.GlobalIP
		if err := v1alpha1.FromUnstructured(u, &g); err != nil {
			t.Fatal(err)
		}
		return len(g.Status.Addresses) == 1
	})
	probes := "http://" + progtest.Address(t, &p.Stderr, "serving health probes")
	if code, body := progtest.Get(t, probes+"/readyz"); code != 200 {
		t.Errorf("/readyz of the leader after its allocation: %d %s", code, body)
	}
	metrics := "http://" + progtest.Address(t, &p.Stderr, "serving metrics")
	code, body := progtest.Get(t, metrics+"/metrics")
	for _, want := range []string{"rest_client_requests_total", "rest_client_request_duration_seconds", "meshstate_ipam_leading 1", "go_goroutines"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics: %d, no %s", code, want)
		}
	}
	if code := p.Stop(t); code != 0 {
		t.Errorf("exit %d after SIGTERM; stderr:\n%s", code, p.Stderr.String())
	}
	msgs := map[string]bool{}
	for _, l := range progtest.Lines(t, p.Stderr.String()) {
		msgs[l["msg"].(string)] = true
	}
	// client-go's leader election logs through klog: its lines are
	// JSON too.
	for _, want := range []string{"starting globalnet", "Successfully acquired lease", "stopped: interrupted"} {
		if !msgs[want] {
			t.Errorf("no %q line in the logs:\n%s", want, p.Stderr.String())
		}
	}
}

// /healthz answers at once; /readyz is 503 while the allocator cannot
// recover (its user may not list GlobalIPs yet), and 200 once the role is
// bound and the informers have synced. Without leader election.
func TestReadiness(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	name := "globalnet-late-" + ns
	user, err := env.AddUser(name)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := progtest.WriteKubeconfig(t, user)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs kubetest.SyncBuffer
	go func() {
		done <- run(ctx, []string{"--kubeconfig", kubeconfig, "--pool", "242.254.0.0/16", "--namespace", ns, "--leader-elect=false",
			"--metrics-bind-address", "0", "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json"}, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	probes := "http://" + progtest.Address(t, &logs, "serving health probes")
	if code, _ := progtest.Get(t, probes+"/healthz"); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	time.Sleep(time.Second) // a list or two, Forbidden
	if code, body := progtest.Get(t, probes+"/readyz"); code != 503 {
		t.Errorf("/readyz without RBAC: %d %s", code, body)
	} else {
		t.Logf("/readyz without RBAC: %d %s", code, strings.TrimSpace(body))
	}
	env.UserWithRole(t, name, "ipam.yaml")
	kubetest.WaitFor(t, 30*time.Second, "/readyz 200 once the role is bound", func() bool {
		code, _ := progtest.Get(t, probes+"/readyz")
		return code == 200
	})
}
