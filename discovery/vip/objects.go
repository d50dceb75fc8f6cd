package vip

import (
	"net/netip"
	"slices"
)

// ServiceType is a Service's spec.type.
type ServiceType string

// The Service types. Only LoadBalancer services have their VIPs announced:
// a ClusterIP is reachable through kube-proxy on every node already, and
// announcing it would leak it to the fabric.
const (
	ServiceTypeClusterIP    ServiceType = "ClusterIP"
	ServiceTypeNodePort     ServiceType = "NodePort"
	ServiceTypeLoadBalancer ServiceType = "LoadBalancer"
	ServiceTypeExternalName ServiceType = "ExternalName"
)

// ServiceTrafficPolicy is a Service's spec.externalTrafficPolicy.
type ServiceTrafficPolicy string

// The external traffic policies; empty means Cluster, the API's default.
const (
	// ServiceTrafficCluster: any usable endpoint in the cluster justifies
	// the VIP on every node.
	ServiceTrafficCluster ServiceTrafficPolicy = "Cluster"
	// ServiceTrafficLocal: only a usable endpoint on this node justifies
	// the VIP here, since traffic is not forwarded to other nodes.
	ServiceTrafficLocal ServiceTrafficPolicy = "Local"
)

// Service is the part of a Service the VIP machine decides on.
type Service struct {
	// Namespace is the Service's namespace.
	Namespace string `json:"namespace"`
	// Name is the Service's name; its slices name it in their
	// kubernetes.io/service-name label.
	Name string `json:"name"`
	// UID tells incarnations of one name apart: an upsert with another
	// UID replaces the stored Service.
	UID string `json:"uid"`
	// Type is the Service's type; only LoadBalancer Services' VIPs are
	// announced. Empty means ClusterIP, the API's default.
	Type ServiceType `json:"type,omitempty"`
	// VIPs are the load-balancer addresses to announce, as chosen by
	// ServiceAddresses.VIPs from the address annotation, status and
	// spec.loadBalancerIP; no zones, no duplicates.
	VIPs []netip.Addr `json:"vips,omitempty"`
	// ExternalTrafficPolicy says which endpoints justify the VIP on this
	// node: any (Cluster, also what empty means) or this node's only
	// (Local).
	ExternalTrafficPolicy ServiceTrafficPolicy `json:"externalTrafficPolicy,omitempty"`
}

// Key returns "namespace/name".
func (s *Service) Key() string { return s.Namespace + "/" + s.Name }

// Announced reports whether the service's VIPs are announced at all, if it
// has usable endpoints: LoadBalancer services with at least one VIP.
func (s *Service) Announced() bool {
	return s.Type == ServiceTypeLoadBalancer && len(s.VIPs) > 0
}

// Local reports whether only this node's endpoints count.
func (s *Service) Local() bool { return s.ExternalTrafficPolicy == ServiceTrafficLocal }

func (s *Service) sameDecision(o *Service) bool {
	return s.Type == o.Type && s.ExternalTrafficPolicy == o.ExternalTrafficPolicy && slices.Equal(s.VIPs, o.VIPs)
}

// SliceServiceNameLabel is the label naming an EndpointSlice's Service.
const SliceServiceNameLabel = "kubernetes.io/service-name"

// Slice is the part of a discovery.k8s.io/v1 EndpointSlice the VIP
// machine decides on.
type Slice struct {
	// Namespace is the slice's namespace, which is its Service's.
	Namespace string `json:"namespace"`
	// Name is the slice's own name, not its Service's.
	Name string `json:"name"`
	// UID tells incarnations of one name apart: an upsert with another
	// UID replaces the stored slice.
	UID string `json:"uid"`
	// ServiceName is the value of the kubernetes.io/service-name label; a
	// slice without it belongs to no Service and is refused.
	ServiceName string `json:"serviceName"`
	// Endpoints are the slice's endpoints; a usable one justifies the
	// Service's VIPs.
	Endpoints []SliceEndpoint `json:"endpoints,omitempty"`
}

// Key returns "namespace/name" of the slice.
func (s *Slice) Key() string { return s.Namespace + "/" + s.Name }

// SliceEndpoint is one endpoint of a slice: its conditions and node.
// Addresses are left out: which addresses back a VIP is the data path's
// business, not the announcer's.
type SliceEndpoint struct {
	// Conditions say whether the endpoint is usable (see
	// SliceConditions.Usable).
	Conditions SliceConditions `json:"conditions"`
	// NodeName is the node the endpoint runs on, which decides whether
	// it counts for a Local Service; empty means unknown (see OnNode).
	NodeName string `json:"nodeName,omitempty"`
	// Hostname is the endpoint's hostname; it places the endpoint only
	// when NodeName is empty (see OnNode).
	Hostname string `json:"hostname,omitempty"`
}

// OnNode reports whether the endpoint runs on node: its NodeName is node,
// or it has no NodeName and its Hostname is node. The fallback serves
// producers that leave nodeName out (custom EndpointSlice controllers, or
// endpoints written by hand), as kube-vip does
// (pkg/endpoints/providers GetLocalEndpoints). A NodeName that names
// another node wins over a matching Hostname, since a pod's hostname is
// the user's to choose; kube-vip fixed the same in PR 1714.
func (e *SliceEndpoint) OnNode(node string) bool {
	if e.NodeName != "" {
		return e.NodeName == node
	}
	return e.Hostname != "" && e.Hostname == node
}

// SliceConditions are discovery/v1 EndpointConditions. Following the API
// (k8s.io/api v0.36) and kube-proxy, a nil Ready or Serving means true and
// a nil Terminating means false.
type SliceConditions struct {
	// Ready says the endpoint takes new traffic; nil means true.
	Ready *bool `json:"ready,omitempty"`
	// Serving says the endpoint answers, even while terminating; nil
	// means true.
	Serving *bool `json:"serving,omitempty"`
	// Terminating says the endpoint is shutting down; nil means false.
	Terminating *bool `json:"terminating,omitempty"`
}

// Usable reports whether the endpoint may justify a VIP: it is ready, or
// it is serving while terminating (a rollout's old pod still draining).
// Services use serving-terminating endpoints only when none is ready; for
// the yes/no of announcing, that fallback and "any usable endpoint" agree.
func (c SliceConditions) Usable() bool {
	if c.Ready == nil || *c.Ready {
		return true
	}
	return (c.Serving == nil || *c.Serving) && c.Terminating != nil && *c.Terminating
}
