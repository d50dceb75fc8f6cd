package v1alpha1

import (
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=gatewayendpoints,scope=Namespaced,shortName=gwep,categories=meshstate
// +kubebuilder:printcolumn:name="Cluster",type=string,JSONPath=`.spec.clusterID`,description="The cluster the endpoint belongs to"
// +kubebuilder:printcolumn:name="Backend",type=string,JSONPath=`.spec.backend`,description="The tunnel implementation"
// +kubebuilder:printcolumn:name="PublicIP",type=string,JSONPath=`.spec.publicIP`,description="The gateway's address as other clusters reach it"
// +kubebuilder:printcolumn:name="HealthCheckIP",type=string,JSONPath=`.spec.healthCheckIP`,description="The address a health checker probes through the tunnel"
// +kubebuilder:printcolumn:name="PrivateIP",type=string,JSONPath=`.spec.privateIP`,priority=1,description="The gateway's address inside its cluster"
// +kubebuilder:printcolumn:name="Hostname",type=string,JSONPath=`.spec.hostname`,priority=1,description="The gateway node's host name"
// +kubebuilder:printcolumn:name="Sequence",type=integer,JSONPath=`.spec.sequence`,priority=1,description="The gateway's incarnation number"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// GatewayEndpoint is one gateway endpoint a cluster publishes, modelled on
// Submariner's Endpoint. Its creation timestamp and spec.sequence order the
// endpoints of one cluster.
type GatewayEndpoint struct {
	// TypeMeta carries apiVersion meshstate.io/v1alpha1 and kind
	// GatewayEndpoint.
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta's name, UID, resourceVersion and creationTimestamp become
	// the endpoint.Endpoint's Name, UID, ResourceVersion and CreatedAt.
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the endpoint the cluster's gateway publishes.
	// +optional
	Spec GatewayEndpointSpec `json:"spec"`
}

// GatewayEndpointSpec describes the endpoint. Addresses and subnets are
// strings, as the API carries them; the adapter parses and the machine
// validates them.
type GatewayEndpointSpec struct {
	// ClusterID names the cluster the endpoint belongs to, a DNS-1123
	// label; it is immutable: an endpoint never moves to another cluster
	// (the endpoint machine would see one cluster lose a gateway and
	// another gain one, from one object), so a new cluster means a new
	// object.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.clusterID is immutable: delete the endpoint and create one for the other cluster"
	ClusterID string `json:"clusterID"`
	// CableName names the tunnel ("cable") this endpoint terminates,
	// passed through to handlers; empty means none.
	// +optional
	CableName string `json:"cableName,omitempty"`
	// Hostname is the gateway node's host name, passed through to
	// handlers.
	// +optional
	Hostname string `json:"hostname,omitempty"`
	// Subnets are the cluster's CIDRs reachable through this endpoint
	// ("10.1.0.0/16"): masked prefixes that must not overlap.
	// +optional
	Subnets []string `json:"subnets,omitempty"`
	// PrivateIP is the gateway's address inside its cluster's network;
	// empty means none.
	// +optional
	PrivateIP string `json:"privateIP,omitempty"`
	// PublicIP is the gateway's address as other clusters reach it (after
	// NAT); empty means none.
	// +optional
	PublicIP string `json:"publicIP,omitempty"`
	// HealthCheckIP is the address a health checker probes through the
	// tunnel; empty means none.
	// +optional
	HealthCheckIP string `json:"healthCheckIP,omitempty"`
	// Backend names the tunnel implementation (such as "libreswan" or
	// "wireguard"), passed through to handlers.
	// +optional
	Backend string `json:"backend,omitempty"`
	// BackendConfig holds the backend's own settings, passed through to
	// handlers unread.
	// +optional
	BackendConfig map[string]string `json:"backendConfig,omitempty"`
	// Sequence is the gateway's incarnation number; it breaks ties of the
	// one-second creation timestamps.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Sequence int64 `json:"sequence,omitempty"`
}

// +kubebuilder:object:root=true

// GatewayEndpointList is a list of GatewayEndpoints.
type GatewayEndpointList struct {
	// TypeMeta carries apiVersion meshstate.io/v1alpha1 and kind
	// GatewayEndpointList.
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion, from which a watch
	// resumes.
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the listed GatewayEndpoints.
	Items []GatewayEndpoint `json:"items"`
}

// DeepCopyInto copies e into out.
func (e *GatewayEndpoint) DeepCopyInto(out *GatewayEndpoint) {
	*out = *e
	e.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Spec.Subnets = append([]string(nil), e.Spec.Subnets...)
	out.Spec.BackendConfig = maps.Clone(e.Spec.BackendConfig)
}

// DeepCopy returns a deep copy of e.
func (e *GatewayEndpoint) DeepCopy() *GatewayEndpoint {
	if e == nil {
		return nil
	}
	out := new(GatewayEndpoint)
	e.DeepCopyInto(out)
	return out
}

// DeepCopyObject implements runtime.Object.
func (e *GatewayEndpoint) DeepCopyObject() runtime.Object { return e.DeepCopy() }

// DeepCopyObject implements runtime.Object.
func (l *GatewayEndpointList) DeepCopyObject() runtime.Object {
	if l == nil {
		return nil
	}
	out := &GatewayEndpointList{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	for i := range l.Items {
		out.Items = append(out.Items, *l.Items[i].DeepCopy())
	}
	return out
}
