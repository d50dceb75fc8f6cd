package ipamkube_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
)

// history watches the test's GlobalIPs as the administrator and keeps,
// for each, every distinct non-empty address list its status showed, in
// order. An owner whose addresses never changed has one entry; two
// owners never showed one address at once if no entry is shared.
type history struct {
	mu     sync.Mutex
	seen   map[string][][]string
	cancel context.CancelFunc
	done   chan struct{}
}

func (h *harness) watchHistory() *history {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	hist := &history{seen: map[string][][]string{}, cancel: cancel, done: make(chan struct{})}
	f := dynamicinformer.NewFilteredDynamicSharedInformerFactory(h.dyn, 0, h.ns, nil)
	inf := f.ForResource(v1alpha1.GlobalIPResource).Informer()
	record := func(obj any) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return
		}
		addrs, _, _ := unstructured.NestedStringSlice(u.Object, "status", "addresses")
		if len(addrs) == 0 {
			return
		}
		hist.mu.Lock()
		defer hist.mu.Unlock()
		if seen := hist.seen[u.GetName()]; len(seen) == 0 || !slices.Equal(seen[len(seen)-1], addrs) {
			hist.seen[u.GetName()] = append(seen, addrs)
		}
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: record, UpdateFunc: func(_, obj any) { record(obj) },
	}); err != nil {
		h.t.Fatal(err)
	}
	f.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		h.t.Fatal("history informer did not sync")
	}
	go func() {
		<-ctx.Done()
		f.Shutdown()
		close(hist.done)
	}()
	return hist
}

func (hist *history) stop() {
	hist.cancel()
	<-hist.done
}

// check fails for each owner whose addresses changed once shown, and for
// each address two owners showed, at any time.
func (hist *history) check(t testing.TB) {
	t.Helper()
	hist.mu.Lock()
	defer hist.mu.Unlock()
	holder := map[string]string{}
	for name, seen := range hist.seen {
		if len(seen) > 1 {
			t.Errorf("%s: addresses changed: %v", name, seen)
		}
		for _, addrs := range seen {
			for _, a := range addrs {
				if other, ok := holder[a]; ok && other != name {
					t.Errorf("%s was shown by both %s and %s", a, other, name)
				}
				holder[a] = name
			}
		}
	}
}
