package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// GlobalIP asks the allocator for Spec.Count contiguous global IP addresses
// and records them in its status. With Spec.InternalService, the allocator
// also keeps a Service named by InternalServiceName carrying the addresses,
// owned by the GlobalIP, and verifies it exists (the dependency of field
// incident 003).
type GlobalIP struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   GlobalIPSpec   `json:"spec,omitempty"`
	Status GlobalIPStatus `json:"status,omitempty"`
}

// GlobalIPSpec is what a GlobalIP asks for.
type GlobalIPSpec struct {
	// Count is how many contiguous addresses the object needs; zero means
	// one. It never changes.
	Count int `json:"count,omitempty"`
	// InternalService asks for a Service that carries the addresses.
	InternalService bool `json:"internalService,omitempty"`
}

// GlobalIPStatus is what the allocator wrote.
type GlobalIPStatus struct {
	// Addresses are the allocated global IPs, in order.
	Addresses []string `json:"addresses,omitempty"`
	// Conditions are Allocated and DependencyReady, set with
	// k8s.io/apimachinery/pkg/api/meta.SetStatusCondition.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// InternalServiceName is the name of the Service that carries the
// addresses of the GlobalIP called name.
func InternalServiceName(name string) string { return "globalip-" + name }

// GlobalIPList is a list of GlobalIPs.
type GlobalIPList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GlobalIP `json:"items"`
}

// DeepCopyInto copies g into out.
func (g *GlobalIP) DeepCopyInto(out *GlobalIP) {
	*out = *g
	out.TypeMeta = g.TypeMeta
	g.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Status.Addresses = append([]string(nil), g.Status.Addresses...)
	out.Status.Conditions = nil
	for _, c := range g.Status.Conditions {
		out.Status.Conditions = append(out.Status.Conditions, *c.DeepCopy())
	}
}

// DeepCopy returns a deep copy of g.
func (g *GlobalIP) DeepCopy() *GlobalIP {
	if g == nil {
		return nil
	}
	out := new(GlobalIP)
	g.DeepCopyInto(out)
	return out
}

// DeepCopyObject implements runtime.Object.
func (g *GlobalIP) DeepCopyObject() runtime.Object { return g.DeepCopy() }

// DeepCopyObject implements runtime.Object.
func (l *GlobalIPList) DeepCopyObject() runtime.Object {
	if l == nil {
		return nil
	}
	out := &GlobalIPList{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	for i := range l.Items {
		out.Items = append(out.Items, *l.Items[i].DeepCopy())
	}
	return out
}
