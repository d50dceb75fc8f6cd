package mcskube_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	mcsv1b1 "sigs.k8s.io/mcs-api/pkg/apis/v1beta1"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/mcs/mcstest"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/mcskube"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

const clusterID = "west"

// exported creates a ClusterIP Service and its ServiceExport.
func exported(t testing.TB, cs kubernetes.Interface, mcsClient mcsclient.Interface, ns, name string) {
	t.Helper()
	ctx := context.Background()
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}}}
	if _, err := cs.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ex := &mcsv1b1.ServiceExport{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if _, err := mcsClient.MulticlusterV1beta1().ServiceExports(ns).Create(ctx, ex, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// foreignImport creates an import of service labelled as cluster's, or,
// with cluster "", the broker's aggregate named after the service.
func foreignImport(t testing.TB, mcsClient mcsclient.Interface, ns, service, cluster string) {
	t.Helper()
	si := &mcsv1b1.ServiceImport{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: service},
		Spec: mcsv1b1.ServiceImportSpec{Type: mcsv1b1.ClusterSetIP,
			Ports: []mcsv1b1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}}}
	if cluster != "" {
		si.Name = service + "." + cluster
		si.Labels = map[string]string{mcskube.SourceClusterLabel: cluster, mcskube.ServiceNameLabel: service}
	}
	if _, err := mcsClient.MulticlusterV1beta1().ServiceImports(ns).Create(context.Background(), si, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// imports lists the namespace's imports: name -> resourceVersion.
func imports(t testing.TB, mcsClient mcsclient.Interface, ns string) map[string]string {
	t.Helper()
	l, err := mcsClient.MulticlusterV1beta1().ServiceImports(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, si := range l.Items {
		out[si.Name] = si.ResourceVersion
	}
	return out
}

// replayExport replays a recorded trace through a fresh machine, checked
// by the test kit's mcstest.Checker, twice (the effects must not differ),
// and returns the effects.
func replayExport(t *testing.T, trace []byte) []mcs.Effect {
	t.Helper()
	var events []mcs.Event
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		ev, err := mcs.UnmarshalEvent(sc.Bytes())
		if err != nil {
			t.Fatalf("trace line %d: %v", len(events)+1, err)
		}
		events = append(events, ev)
	}
	checker := mcstest.NewChecker(clusterID)
	var first []mcs.Effect
	for round := range 2 {
		m, err := mcs.New(mcs.Config{ClusterID: clusterID})
		if err != nil {
			t.Fatal(err)
		}
		var all []mcs.Effect
		for i, ev := range events {
			effects, err := m.Step(ev)
			if err != nil {
				t.Fatalf("replay, event %d %T: %v", i+1, ev, err)
			}
			if round == 0 {
				if err := checker.Observe(ev, effects); err != nil {
					t.Fatalf("replay, event %d: %v", i+1, err)
				}
			}
			all = append(all, effects...)
		}
		if round == 0 {
			first = all
		} else if !slices.EqualFunc(first, all, func(a, b mcs.Effect) bool { return a.String() == b.String() }) {
			t.Fatalf("two replays differ:\n%v\n%v", first, all)
		}
	}
	return first
}

// count counts the effects of a kind.
func count(effects []mcs.Effect, kind mcs.Kind) int {
	n := 0
	for _, e := range effects {
		if e.Kind == kind {
			n++
		}
	}
	return n
}
