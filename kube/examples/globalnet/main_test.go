package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{},                                   // no pool
		{"-pool", "242.254.0.1/16"},          // host bits
		{"-pool", "not-a-cidr"},              // not a prefix
		{"-pool", "242.254.0.0/16", "extra"}, // stray argument
	} {
		if _, err := parseFlags(args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want errUsage", args, err)
		}
	}
	o, err := parseFlags([]string{"-pool", "242.254.0.0/16", "-pool", "fd00:242::/112", "-identity", "x"}, io.Discard)
	if err != nil || len(o.pools) != 2 || o.identity != "x" {
		t.Fatalf("parseFlags: %+v, %v", o, err)
	}
}

// The program, run against a real API server as the RBAC-bound user,
// allocates a GlobalIP's address and stops cleanly when interrupted.
func TestAllocates(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "globalnet-"+ns, "ipam.yaml")
	kubeconfig := writeKubeconfig(t, user)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-kubeconfig", kubeconfig, "-pool", "242.254.0.0/16",
			"-namespace", ns, "-lease-namespace", ns, "-identity", "test", "-metrics-addr", "127.0.0.1:0"}, io.Discard)
	}()
	gips := dynamic.NewForConfigOrDie(env.Config).Resource(v1alpha1.GlobalIPResource).Namespace(ns)
	u, err := v1alpha1.ToUnstructured(&v1alpha1.GlobalIP{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gips.Create(ctx, u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		u, err := gips.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var g v1alpha1.GlobalIP
		if err := v1alpha1.FromUnstructured(u, &g); err != nil {
			t.Fatal(err)
		}
		if len(g.Status.Addresses) == 1 {
			t.Logf("allocated %v", g.Status.Addresses)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not allocated after 20s: %+v", g.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after the interrupt")
	}
}

// writeKubeconfig writes cfg, a client-certificate user, as a kubeconfig.
func writeKubeconfig(t *testing.T, cfg *rest.Config) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["test"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "test"}
	kc.CurrentContext = "test"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return path
}
