package discovery

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

// VIPService is the part of a Service the VIP machine decides on.
type VIPService struct {
	Namespace string      `json:"namespace"`
	Name      string      `json:"name"`
	UID       string      `json:"uid"`
	Type      ServiceType `json:"type,omitempty"` // empty means ClusterIP, the API's default
	// VIPs are the load-balancer addresses to announce, as chosen by
	// ServiceAddresses.VIPs from the address annotation, status and
	// spec.loadBalancerIP; no zones, no duplicates.
	VIPs                  []netip.Addr         `json:"vips,omitempty"`
	ExternalTrafficPolicy ServiceTrafficPolicy `json:"externalTrafficPolicy,omitempty"`
}

// Key returns "namespace/name".
func (s *VIPService) Key() string { return s.Namespace + "/" + s.Name }

// Announced reports whether the service's VIPs are announced at all, if it
// has usable endpoints: LoadBalancer services with at least one VIP.
func (s *VIPService) Announced() bool {
	return s.Type == ServiceTypeLoadBalancer && len(s.VIPs) > 0
}

// Local reports whether only this node's endpoints count.
func (s *VIPService) Local() bool { return s.ExternalTrafficPolicy == ServiceTrafficLocal }

func (s *VIPService) sameDecision(o *VIPService) bool {
	return s.Type == o.Type && s.ExternalTrafficPolicy == o.ExternalTrafficPolicy && slices.Equal(s.VIPs, o.VIPs)
}

// SliceServiceNameLabel is the label naming an EndpointSlice's Service.
const SliceServiceNameLabel = "kubernetes.io/service-name"

// VIPSlice is the part of a discovery.k8s.io/v1 EndpointSlice the VIP
// machine decides on.
type VIPSlice struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	UID       string `json:"uid"`
	// ServiceName is the value of the kubernetes.io/service-name label; a
	// slice without it belongs to no Service and is refused.
	ServiceName string          `json:"serviceName"`
	Endpoints   []SliceEndpoint `json:"endpoints,omitempty"`
}

// Key returns "namespace/name" of the slice.
func (s *VIPSlice) Key() string { return s.Namespace + "/" + s.Name }

// SliceEndpoint is one endpoint of a slice: its conditions and node.
// Addresses are left out: which addresses back a VIP is the data path's
// business, not the announcer's.
type SliceEndpoint struct {
	Conditions SliceConditions `json:"conditions"`
	NodeName   string          `json:"nodeName,omitempty"`
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
	Ready       *bool `json:"ready,omitempty"`
	Serving     *bool `json:"serving,omitempty"`
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
