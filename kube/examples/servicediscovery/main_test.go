package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	mcsv1b1 "sigs.k8s.io/mcs-api/pkg/apis/v1beta1"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"

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
		{"--vips=false", "--exports=false"},
		{"--exports"}, // no cluster ID
		{"--cluster-id", "w", "extra"},
		{"--no-such-flag"},
		{"--cluster-id", "NOT A LABEL"},
		{"--cluster-id", "w", "--metrics-bind-address", ":8443", "--metrics-secure=false"},
		{"--cluster-id", "w", "--log-format", "logfmt"},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, prog.ErrUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	if err := run(context.Background(), []string{"--cluster-id", "w", "--kubeconfig", writeKubeconfig(t, &clientcmdapi.Config{})},
		&bytes.Buffer{}, &bytes.Buffer{}); err == nil || errors.Is(err, prog.ErrUsage) {
		t.Errorf("an empty kubeconfig: %v, want a runtime error", err)
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
		{[]string{"-h"}, 0, "--cluster-id"},
		{[]string{"--help"}, 0, "Exit status"},
		{[]string{"--no-such-flag"}, 2, "not defined"},
		{[]string{"--exports"}, 2, "--cluster-id is required"},
		{[]string{"--cluster-id", "Not_A_Label"}, 2, "cluster-id"},
		{[]string{"--cluster-id", "w", "--kubeconfig", "/nonexistent/kubeconfig", "--metrics-bind-address", "0", "--health-probe-bind-address", "0"}, 1, "kubeconfig"},
	} {
		progtest.ExpectExit(t, bin, c.code, c.says, c.args...)
	}
}

func writeKubeconfig(t *testing.T, c *clientcmdapi.Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*c, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// The controller against a real API server: a LoadBalancer Service with a
// ready endpoint on this node is announced, and an exported Service gets
// this cluster's import; interrupting it stops it cleanly.
func TestControllerSmoke(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	cfg := env.Config
	kubeconfig := writeKubeconfig(t, &clientcmdapi.Config{
		Clusters:       map[string]*clientcmdapi.Cluster{"envtest": {Server: cfg.Host, CertificateAuthorityData: cfg.CAData}},
		AuthInfos:      map[string]*clientcmdapi.AuthInfo{"admin": {ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}},
		Contexts:       map[string]*clientcmdapi.Context{"envtest": {Cluster: "envtest", AuthInfo: "admin"}},
		CurrentContext: "envtest",
	})
	cs := kubernetes.NewForConfigOrDie(cfg)
	mcs := mcsclient.NewForConfigOrDie(cfg)
	ctx := context.Background()
	ready, node, no := true, "node-a", false
	objects := []func() error{
		func() error {
			_, err := cs.DiscoveryV1().EndpointSlices(ns).Create(ctx, &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "web-abc12", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
				AddressType: discoveryv1.AddressTypeIPv4,
				Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.244.0.5"},
					Conditions: discoveryv1.EndpointConditions{Ready: &ready}, NodeName: &node}}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cs.CoreV1().Services(ns).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerIP: "192.0.2.10", AllocateLoadBalancerNodePorts: &no,
					Ports: []corev1.ServicePort{{Port: 80}}}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := mcs.MulticlusterV1beta1().ServiceExports(ns).Create(ctx,
				&mcsv1b1.ServiceExport{ObjectMeta: metav1.ObjectMeta{Name: "web"}}, metav1.CreateOptions{})
			return err
		},
	}
	for _, create := range objects {
		if err := create(); err != nil {
			t.Fatal(err)
		}
	}

	defer goleak.VerifyNone(t, append([]goleak.Option{goleak.IgnoreCurrent()}, kubetest.LeakOptions()...)...)
	var out, logs kubetest.SyncBuffer
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	trace := filepath.Join(t.TempDir(), "trace")
	go func() {
		done <- run(runCtx, []string{"-kubeconfig", kubeconfig, "-cluster-id", "west", "-node-name", node,
			"-namespace", ns, "-trace", trace, "--log-format", "json",
			"--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address", "127.0.0.1:0"}, &out, &logs)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := mcs.MulticlusterV1beta1().ServiceImports(ns).Get(ctx, "web.west", metav1.GetOptions{})
		if err == nil && strings.Contains(out.String(), "announce 192.0.2.10 ["+ns+"/web]") {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no announcement or import after 20s; output:\n%s\nlogs:\n%s", out.String(), logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	probes := "http://" + progtest.Address(t, &logs, "serving health probes")
	if code, body := progtest.Get(t, probes+"/readyz"); code != 200 {
		t.Errorf("/readyz once both sides decide: %d %s", code, body)
	}
	metrics := "http://" + progtest.Address(t, &logs, "serving metrics")
	code, body := progtest.Get(t, metrics+"/metrics")
	for _, want := range []string{"meshstate_vip_synced 1", "meshstate_mcs_synced 1", "meshstate_mcs_events_total"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics: %d, no %s", code, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	synced := map[string]int{}
	for _, l := range progtest.Lines(t, logs.String()) {
		if l["msg"] == "caches synced; the machine decides from now on" {
			synced[l["logger"].(string)]++
		}
	}
	if synced["vips"] != 1 || synced["exports"] != 1 {
		t.Errorf("caches synced lines by side: %v; logs:\n%s", synced, logs.String())
	}
	for _, side := range []string{"vips", "exports"} {
		if b, err := os.ReadFile(trace + "." + side); err != nil || len(b) == 0 {
			t.Errorf("trace of the %s side: %d bytes, %v", side, len(b), err)
		}
	}
	t.Logf("output:\n%s", out.String())
}

// Without its ClusterRole the controller runs but is not ready: /readyz
// answers 503 with the reason, and each failing list is logged once per
// side at default verbosity though the informers retry.
func TestNotReadyWithoutRBAC(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	user, err := env.AddUser("servicediscovery-no-role")
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := writeKubeconfig(t, &clientcmdapi.Config{
		Clusters:       map[string]*clientcmdapi.Cluster{"envtest": {Server: user.Host, CertificateAuthorityData: user.CAData}},
		AuthInfos:      map[string]*clientcmdapi.AuthInfo{"u": {ClientCertificateData: user.CertData, ClientKeyData: user.KeyData}},
		Contexts:       map[string]*clientcmdapi.Context{"envtest": {Cluster: "envtest", AuthInfo: "u"}},
		CurrentContext: "envtest",
	})
	var out, logs kubetest.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--kubeconfig", kubeconfig, "--cluster-id", "west", "--namespace", ns, "--log-format", "json",
			"--metrics-bind-address", "0", "--health-probe-bind-address", "127.0.0.1:0"}, &out, &logs)
	}()
	probes := "http://" + progtest.Address(t, &logs, "serving health probes")
	time.Sleep(4 * time.Second) // the informers retry: 0.8s, 1.6s, ...
	code, body := progtest.Get(t, probes+"/readyz")
	if code != 503 || !strings.Contains(body, "forbidden") {
		t.Errorf("/readyz: %d %s", code, body)
	}
	t.Logf("/readyz: %d %s", code, strings.TrimSpace(body))
	if code, _ := progtest.Get(t, probes+"/healthz"); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	failures := map[string]int{}
	for _, l := range progtest.Lines(t, logs.String()) {
		if strings.HasPrefix(l["msg"].(string), "list or watch failed") {
			failures[l["logger"].(string)+" "+l["source"].(string)]++
		}
	}
	want := map[string]int{"vips services": 1, "vips endpointslices": 1,
		"exports services": 1, "exports serviceexports": 1, "exports serviceimports": 1}
	if fmt.Sprint(failures) != fmt.Sprint(want) {
		t.Errorf("failures logged: %v, want %v; logs:\n%s", failures, want, logs.String())
	}
}
