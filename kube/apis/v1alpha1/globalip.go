package v1alpha1

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/meshstate/meshstate/internal/k8sname"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=globalips,scope=Namespaced,shortName=gip,categories=meshstate
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`,description="Status of the Ready condition"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,description="Reason of the Ready condition"
// +kubebuilder:printcolumn:name="Addresses",type=string,JSONPath=`.status.addresses`,description="The allocated global IP addresses"
// +kubebuilder:printcolumn:name="Count",type=integer,JSONPath=`.spec.count`,priority=1,description="Addresses asked for (none means one)"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
//
// spec.count is immutable through a rule on the whole object: a rule on the
// field itself runs only when old and new objects both carry it, so it would
// let an edit set or remove it. Absent counts as zero.
// +kubebuilder:validation:XValidation:rule="(has(self.spec) && has(self.spec.count) ? self.spec.count : 0) == (has(oldSelf.spec) && has(oldSelf.spec.count) ? oldSelf.spec.count : 0)",fieldPath=".spec.count",message="spec.count is immutable: recreate the GlobalIP to change the number of addresses"

// GlobalIP asks the allocator for spec.count contiguous global IP addresses
// and records them in its status. With spec.internalService, the allocator
// also keeps a Service named "globalip-" and the GlobalIP's name (cut and
// hashed when that is no valid Service name: InternalServiceName) carrying
// the addresses, owned by the GlobalIP, and verifies it exists (the
// dependency of field incident 003).
//
// The number of addresses never changes: the API server refuses an edit
// that sets, changes or removes spec.count.
type GlobalIP struct {
	// TypeMeta carries apiVersion meshstate.io/v1alpha1 and kind GlobalIP.
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta's namespace, name and UID identify the owner of the
	// addresses (ipam.Owner); its creationTimestamp decides which of two
	// GlobalIPs whose statuses record the same address keeps it.
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what the object asks the allocator for.
	// +optional
	Spec GlobalIPSpec `json:"spec,omitempty"`
	// Status is what the allocator granted; written by the allocator
	// only, through the status subresource.
	// +optional
	Status GlobalIPStatus `json:"status,omitempty"`
}

// GlobalIPSpec is what a GlobalIP asks for.
type GlobalIPSpec struct {
	// Count is how many contiguous addresses the object needs, at most
	// 1024; zero or none means one. It is immutable: to change the number
	// of addresses, recreate the GlobalIP.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1024
	// +optional
	Count int `json:"count,omitempty"`
	// InternalService asks for a Service in the GlobalIP's namespace that
	// carries the addresses, owned by the GlobalIP and kept in existence by
	// the allocator.
	// +optional
	InternalService bool `json:"internalService,omitempty"`
}

// GlobalIPStatus is what the allocator wrote.
type GlobalIPStatus struct {
	// Addresses are the allocated global IPs, in order.
	// +optional
	Addresses []string `json:"addresses,omitempty"`
	// Conditions report the allocation: Ready sums it up (kstatus style),
	// Allocated says whether the addresses are held, and DependencyReady
	// whether the internal Service carries them. Each records the
	// generation it was computed from in observedGeneration.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// InternalServiceName is the name of the Service that carries the
// addresses of the GlobalIP called name: "globalip-" and the name when
// that is a valid Service name (a DNS-1035 label). A GlobalIP's name may
// be longer or hold dots, which a Service's may not; such a name is cut,
// its other characters made dashes, and a hash of the whole name
// appended, so that the result is valid and stays the same across
// restarts and replicas.
func InternalServiceName(name string) string {
	const prefix = "globalip-"
	// With a prefix that starts with a letter, a DNS-1123 label is also
	// the DNS-1035 label a Service name must be.
	if full := prefix + name; k8sname.Label(full) == "" {
		return full
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "-" + hex.EncodeToString(sum[:5])
	keep := []byte(name[:min(len(name), k8sname.LabelMaxLength-len(prefix)-len(suffix))])
	for i, c := range keep {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			keep[i] = '-'
		}
	}
	return prefix + strings.TrimRight(string(keep), "-") + suffix
}

// +kubebuilder:object:root=true

// GlobalIPList is a list of GlobalIPs.
type GlobalIPList struct {
	// TypeMeta carries apiVersion meshstate.io/v1alpha1 and kind
	// GlobalIPList.
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion, from which a watch
	// resumes.
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the listed GlobalIPs.
	Items []GlobalIP `json:"items"`
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
