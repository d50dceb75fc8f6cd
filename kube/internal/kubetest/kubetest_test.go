package kubetest_test

import (
	"context"
	"net/netip"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	mcsv1a1 "sigs.k8s.io/mcs-api/pkg/apis/v1alpha1"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

// The control plane serves the MCS CRDs, allocates ClusterIPs from
// ServiceCIDR, and a user without bindings is
// refused by RBAC.
func TestControlPlane(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	mcs, err := mcsclient.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	si := &mcsv1a1.ServiceImport{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: mcsv1a1.ServiceImportSpec{Type: mcsv1a1.ClusterSetIP,
			Ports: []mcsv1a1.ServicePort{{Port: 80, Protocol: "TCP"}}},
	}
	if _, err := mcs.MulticlusterV1alpha1().ServiceImports(ns).Create(ctx, si, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create ServiceImport: %v", err)
	}

	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}}}
	admin := kubernetes.NewForConfigOrDie(env.Config)
	if svc, err = admin.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create Service: %v", err)
	}
	if ip, err := netip.ParseAddr(svc.Spec.ClusterIP); err != nil || !netip.MustParsePrefix(kubetest.ServiceCIDR).Contains(ip) {
		t.Errorf("ClusterIP %q, want one in %s", svc.Spec.ClusterIP, kubetest.ServiceCIDR)
	}

	cfg, err := env.AddUser("nobody")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cs.CoreV1().Services(ns).List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("list by an unbound user: %v, want Forbidden", err)
	}
}
