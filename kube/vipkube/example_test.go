package vipkube_test

import (
	"context"
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// printer is an Announcer that prints its calls and signals each Commit.
type printer struct{ commits chan struct{} }

func (p printer) Announce(_ context.Context, vip netip.Addr, services []string) error {
	fmt.Println("announce", vip, services)
	return nil
}

func (p printer) Withdraw(_ context.Context, vip netip.Addr) error {
	fmt.Println("withdraw", vip)
	return nil
}

func (p printer) Commit(context.Context) error {
	fmt.Println("commit")
	p.commits <- struct{}{}
	return nil
}

// A VIP adapter on a fake clientset: the slice is listed with its Service,
// and once both informers have synced the VIP is announced and the batch
// committed.
func ExampleAdapter() {
	ready, nodeName := true, "node-a"
	client := fake.NewClientset(
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web", UID: "u-1"},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerIP: "192.0.2.10"}},
		&discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web-7xk2p", UID: "s-1",
			Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
			Endpoints: []discoveryv1.Endpoint{{Conditions: discoveryv1.EndpointConditions{Ready: &ready}, NodeName: &nodeName}}},
	)
	p := printer{commits: make(chan struct{}, 1)}
	a, err := vipkube.New(vipkube.Config{Client: client, Machine: vip.Config{NodeName: "node-a"}, Announcer: p})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	<-p.commits
	cancel()
	fmt.Println("stopped:", <-done)
	// Output:
	// announce 192.0.2.10 [default/web]
	// commit
	// stopped: <nil>
}
