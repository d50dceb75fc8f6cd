package endpoint

import (
	"maps"
	"net/netip"
	"slices"
	"time"
)

// Endpoint is one gateway endpoint of a cluster, as published by that cluster's
// gateway (Submariner's Endpoint custom resource is the model).
//
// The machine takes ownership of an Endpoint passed to it: callers must not
// modify its Subnets or BackendConfig afterwards. Endpoints handed out in
// notifications and queries share those with the machine and are read-only.
type Endpoint struct {
	// Name is the object name, unique within the machine; it must be a
	// DNS-1123 subdomain.
	Name string `json:"name"`
	// UID distinguishes two incarnations of the same name: an upsert whose UID
	// differs from the stored one replaces the old object (see Machine.Step).
	// Empty means unknown and matches any UID.
	UID string `json:"uid,omitempty"`
	// ResourceVersion is the object's version as the API server reports it;
	// opaque, compared for equality only. An upsert that carries the stored
	// version is taken as unchanged without a deep comparison, which is what
	// informer resyncs are. Empty means unknown.
	ResourceVersion string `json:"resourceVersion,omitempty"`
	// ClusterID names the cluster the endpoint belongs to; it must be a DNS-1123
	// label and never changes for a given object.
	ClusterID string `json:"clusterID"`
	// CableName names the tunnel ("cable") the gateway terminates, as
	// Submariner's cable drivers name it; opaque to the machine, passed
	// through to handlers. Empty if the producer sets none.
	CableName string `json:"cableName,omitempty"`
	// Hostname is the node the gateway runs on. The machine does not read
	// it; a local handler compares it with its own node to learn whether
	// this node is the gateway (see the package documentation).
	Hostname string `json:"hostname,omitempty"`
	// Subnets are the cluster's subnets reachable through this endpoint. Each
	// must be a valid, masked prefix, and they must not overlap.
	Subnets []netip.Prefix `json:"subnets,omitempty"`
	// PrivateIP is the gateway's address inside its own cluster's network,
	// which peers on the same network reach it at. The zero Addr means
	// none given; an IPv6 zone is refused.
	PrivateIP netip.Addr `json:"privateIP,omitzero"`
	// PublicIP is the gateway's address as seen from other clusters
	// (behind NAT, the translated one); the zero Addr means none given.
	// An IPv6 zone is refused.
	PublicIP netip.Addr `json:"publicIP,omitzero"`
	// HealthCheckIP is the address health checkers probe to measure the
	// endpoint's reachability and latency (see package health); the zero
	// Addr means the endpoint is not probed. An IPv6 zone is refused.
	HealthCheckIP netip.Addr `json:"healthCheckIP,omitzero"`
	// Backend names the cable driver, such as "libreswan" or "wireguard";
	// opaque to the machine.
	Backend string `json:"backend,omitempty"`
	// BackendConfig is the cable driver's settings, as the producer
	// publishes them; opaque to the machine, which takes ownership of
	// the map (see above).
	BackendConfig map[string]string `json:"backendConfig,omitempty"`
	// CreatedAt is the object's creation time. Kubernetes records it with
	// one-second resolution, so it ties; see Sequence.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// Sequence is the producer's incarnation number for the cluster's gateway,
	// increasing with every endpoint that gateway publishes (a restart counter,
	// or the gateway's start time in nanoseconds). It breaks CreatedAt ties in
	// the default order. Zero means unknown. Like CreatedAt it must not change
	// over an object's life.
	Sequence uint64 `json:"sequence,omitempty"`
}

// Equal reports whether e and o are the same in every field.
func (e *Endpoint) Equal(o *Endpoint) bool {
	return e.Name == o.Name && e.UID == o.UID && e.ClusterID == o.ClusterID && e.sameContent(o)
}

// sameContent compares what can change between two versions of one
// object, the resource version first: it differs unless nothing changed.
func (e *Endpoint) sameContent(o *Endpoint) bool {
	return e.ResourceVersion == o.ResourceVersion && e.Sequence == o.Sequence &&
		e.CreatedAt.Equal(o.CreatedAt) && e.PrivateIP == o.PrivateIP && e.PublicIP == o.PublicIP &&
		e.HealthCheckIP == o.HealthCheckIP && e.CableName == o.CableName && e.Hostname == o.Hostname &&
		e.Backend == o.Backend && slices.Equal(e.Subnets, o.Subnets) &&
		maps.Equal(e.BackendConfig, o.BackendConfig)
}
