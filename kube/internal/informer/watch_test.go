package informer_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

// Against a real API server: the initial list is queued before its Synced
// marker, then updates and deletes follow in order, and nothing is left
// running once the context is done.
func TestWatchQueuesListThenSyncedThenChanges(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	cs := kubernetes.NewForConfigOrDie(env.Config)
	ctx := context.Background()
	for i := range 3 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i), Namespace: ns}}
		if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	runCtx, cancel := context.WithCancel(ctx)
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(ns))
	q := informer.NewQueue()
	wait, err := informer.Watch(runCtx, factory.Core().V1().ConfigMaps().Informer(), "configmaps", q)
	if err != nil {
		t.Fatal(err)
	}
	factory.Start(runCtx.Done())
	defer func() { cancel(); factory.Shutdown(); wait() }()

	got := next(t, q, 4)
	for i, it := range got[:3] {
		if it.Op != informer.Upsert || it.Source != "configmaps" {
			t.Fatalf("item %d: %+v, want an upsert of the initial list", i, it)
		}
	}
	if got[3].Op != informer.Synced {
		t.Fatalf("item 3: %+v, want Synced after the list", got[3])
	}

	if _, err := cs.CoreV1().ConfigMaps(ns).Update(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "cm-1", Namespace: ns}, Data: map[string]string{"k": "v"}},
		metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cs.CoreV1().ConfigMaps(ns).Delete(ctx, "cm-2", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got = next(t, q, 2)
	if got[0].Op != informer.Upsert || got[0].Key != ns+"/cm-1" || got[0].Obj.(*corev1.ConfigMap).Data["k"] != "v" {
		t.Fatalf("update: %+v", got[0])
	}
	if got[1].Op != informer.Delete || got[1].Key != ns+"/cm-2" || got[1].Tombstone {
		t.Fatalf("delete: %+v", got[1])
	}
}

// next takes n items from q, failing after ten seconds.
func next(t *testing.T, q *informer.Queue, n int) []informer.Item {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var items []informer.Item
	for len(items) < n {
		var err error
		if items, err = q.Next(ctx, items); err != nil {
			t.Fatalf("after %d items %+v: %v", len(items), items, err)
		}
	}
	if len(items) != n {
		t.Fatalf("%d items, want %d: %+v", len(items), n, items)
	}
	return items
}
