package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-vips=false", "-exports=false"},
		{"-exports"}, // no cluster ID
		{"-cluster-id", "w", "extra"},
		{"-no-such-flag"},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	if err := run(context.Background(), []string{"-cluster-id", "NOT A LABEL", "-kubeconfig", writeKubeconfig(t, &clientcmdapi.Config{})},
		&bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("an invalid cluster ID or kubeconfig was accepted")
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
			"-namespace", ns, "-trace", trace}, &out, &logs)
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
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{"vips", "exports"} {
		if b, err := os.ReadFile(trace + "." + side); err != nil || len(b) == 0 {
			t.Errorf("trace of the %s side: %d bytes, %v", side, len(b), err)
		}
	}
	t.Logf("output:\n%s", out.String())
}
