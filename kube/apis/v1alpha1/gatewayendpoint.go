package v1alpha1

import (
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// GatewayEndpoint is one gateway endpoint a cluster publishes, modelled on
// Submariner's Endpoint. Its creation timestamp and Spec.Sequence order the
// endpoints of one cluster.
type GatewayEndpoint struct {
	// TypeMeta carries apiVersion meshstate.io/v1alpha1 and kind
	// GatewayEndpoint.
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta's name, UID, resourceVersion and creationTimestamp become
	// the endpoint.Endpoint's Name, UID, ResourceVersion and CreatedAt.
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the endpoint the cluster's gateway publishes.
	Spec GatewayEndpointSpec `json:"spec"`
}

// GatewayEndpointSpec describes the endpoint. Addresses and subnets are
// strings, as the API carries them; the adapter parses and the machine
// validates them.
type GatewayEndpointSpec struct {
	// ClusterID names the cluster the endpoint belongs to, a DNS-1123
	// label; it must not change over the object's life.
	ClusterID string `json:"clusterID"`
	// CableName names the tunnel ("cable") this endpoint terminates,
	// passed through to handlers; empty means none.
	CableName string `json:"cableName,omitempty"`
	// Hostname is the gateway node's host name, passed through to
	// handlers.
	Hostname string `json:"hostname,omitempty"`
	// Subnets are the cluster's CIDRs reachable through this endpoint
	// ("10.1.0.0/16"): masked prefixes that must not overlap.
	Subnets []string `json:"subnets,omitempty"`
	// PrivateIP is the gateway's address inside its cluster's network;
	// empty means none.
	PrivateIP string `json:"privateIP,omitempty"`
	// PublicIP is the gateway's address as other clusters reach it (after
	// NAT); empty means none.
	PublicIP string `json:"publicIP,omitempty"`
	// HealthCheckIP is the address a health checker probes through the
	// tunnel; empty means none.
	HealthCheckIP string `json:"healthCheckIP,omitempty"`
	// Backend names the tunnel implementation (such as "libreswan" or
	// "wireguard"), passed through to handlers.
	Backend string `json:"backend,omitempty"`
	// BackendConfig holds the backend's own settings, passed through to
	// handlers unread.
	BackendConfig map[string]string `json:"backendConfig,omitempty"`
	// Sequence is the gateway's incarnation number; it breaks ties of the
	// one-second creation timestamps.
	Sequence int64 `json:"sequence,omitempty"`
}

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
