package ipamkube

import (
	"fmt"
	"net/netip"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
)

// observed converts a GlobalIP from the informer into the machine's
// event. An object that does not decode, or whose status records
// something that is not an IP address, is malformed: the error wraps
// v1alpha1.ErrMalformed and the caller skips the object, never taking it
// for absent.
func observed(u *unstructured.Unstructured, at time.Time) (v1alpha1.GlobalIPStatus, ipam.Observed, error) {
	var g v1alpha1.GlobalIP
	if err := v1alpha1.FromUnstructured(u, &g); err != nil {
		return g.Status, ipam.Observed{}, err
	}
	var addrs []netip.Addr
	for i, s := range g.Status.Addresses {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return g.Status, ipam.Observed{}, fmt.Errorf("%w: GlobalIP %s/%s: status.addresses[%d]: %w",
				v1alpha1.ErrMalformed, g.Namespace, g.Name, i, err)
		}
		addrs = append(addrs, a)
	}
	want := g.Spec.Count
	if want == 0 {
		want = 1 // the API's documented default
	}
	return g.Status, ipam.Observed{
		Owner:     ipam.Owner{Namespace: g.Namespace, Name: g.Name, UID: string(g.UID)},
		CreatedAt: g.CreationTimestamp.UTC(),
		Want:      want,
		DependsOn: g.Spec.InternalService,
		Status:    ipam.Status{Addresses: addrs, Conditions: g.Status.Conditions},
		At:        at,
	}, nil
}

// deletedOwner is the owner of a delete item: from its last known object,
// or, for a tombstone without one, from its key alone (an empty UID
// matches whatever incarnation the machine holds).
func deletedOwner(obj any, key string) (ipam.Owner, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok && u != nil {
		return ipam.Owner{Namespace: u.GetNamespace(), Name: u.GetName(), UID: string(u.GetUID())}, nil
	}
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil || name == "" {
		return ipam.Owner{}, fmt.Errorf("%w: delete of %q without an object", v1alpha1.ErrMalformed, key)
	}
	return ipam.Owner{Namespace: ns, Name: name}, nil
}

// addressStrings is how the API carries addresses.
func addressStrings(addrs []netip.Addr) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out
}

// withStatus returns a copy of base carrying status, for a status update:
// everything but the status is the informer's object, resourceVersion
// included, so the write is refused if the object changed since.
func withStatus(base *unstructured.Unstructured, status *v1alpha1.GlobalIPStatus) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(status)
	if err != nil {
		return nil, err
	}
	u := base.DeepCopy()
	u.Object["status"] = m
	return u, nil
}

// statusOf decodes the status of an object the API server returned.
func statusOf(u *unstructured.Unstructured) (v1alpha1.GlobalIPStatus, error) {
	var g v1alpha1.GlobalIP
	err := v1alpha1.FromUnstructured(u, &g)
	return g.Status, err
}

// stripManagedFields drops what the adapter never reads from the objects
// its informers cache, saving memory and conversion time. A status update
// without managedFields leaves the server's record of them unchanged.
func stripManagedFields(obj any) (any, error) {
	if m, ok := obj.(metav1.Object); ok {
		m.SetManagedFields(nil)
	}
	return obj, nil
}
