package mcs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meshstate/meshstate/retry"
)

// Config configures an Machine.
type Config struct {
	// ClusterID is this cluster's ID, a DNS-1123 label: the source-cluster
	// label (multicluster.kubernetes.io/source-cluster) of the imports the
	// machine creates. Imports carrying another value, or none, are never
	// touched.
	ClusterID string `json:"clusterID"`
	// Retry schedules the retries of writes that failed, conflicted or
	// whose outcome is unknown; zero means retry.DefaultSchedule (1 s
	// doubling to 5 min).
	Retry retry.Schedule `json:"retry,omitzero"`
	// SlowRetry schedules the retries after Permanent failures (forbidden,
	// invalid); zero means retry.SlowSchedule (every 5 min).
	SlowRetry retry.Schedule `json:"slowRetry,omitzero"`
}

// ImportType is a ServiceImport's type, as in the MCS API.
type ImportType string

// The MCS ServiceImport types.
const (
	// ImportClusterSetIP: the import gets a cluster-set IP (a Service with
	// a cluster IP, of any of the types ClusterIP, NodePort, LoadBalancer).
	ImportClusterSetIP ImportType = "ClusterSetIP"
	// ImportHeadless: the import resolves to the backends (a Service with
	// clusterIP: None).
	ImportHeadless ImportType = "Headless"
)

// ExportServiceType is the type of the Service behind a ServiceExport, as
// far as the MCS API cares.
type ExportServiceType string

// Service types. The adapter maps ClusterIP, NodePort and LoadBalancer
// Services to ExportServiceClusterIP, since all three import as
// ClusterSetIP.
const (
	// ExportServiceNone: no Service of the export's namespace/name exists.
	ExportServiceNone ExportServiceType = ""
	// ExportServiceClusterIP: a Service with a cluster IP.
	ExportServiceClusterIP ExportServiceType = "ClusterIP"
	// ExportServiceHeadless: a Service with clusterIP: None.
	ExportServiceHeadless ExportServiceType = "Headless"
	// ExportServiceExternalName: cannot be exported (KEP-1645).
	ExportServiceExternalName ExportServiceType = "ExternalName"
)

// ExportPort is a Service or ServiceImport port.
type ExportPort struct {
	// Name is the port's name; empty is allowed for a Service's only
	// port.
	Name string `json:"name,omitempty"`
	// Protocol is the port's transport: TCP, UDP or SCTP.
	Protocol string `json:"protocol"`
	// Port is the port number, 1 to 65535.
	Port int32 `json:"port"`
	// AppProtocol is the port's application protocol (such as
	// "kubernetes.io/h2c"); empty means unspecified.
	AppProtocol string `json:"appProtocol,omitempty"`
}

// String implements fmt.Stringer.
func (p ExportPort) String() string {
	s := fmt.Sprintf("%d/%s", p.Port, p.Protocol)
	if p.Name != "" {
		s = p.Name + ":" + s
	}
	if p.AppProtocol != "" {
		s += "(" + p.AppProtocol + ")"
	}
	return s
}

// ExportService is the Service behind an export: its type and ports.
type ExportService struct {
	// Type is the Service's type; ExportServiceNone (empty) means no
	// Service of the export's namespace/name exists.
	Type ExportServiceType `json:"type,omitempty"`
	// Ports are the Service's ports, exported as the import's ports.
	Ports []ExportPort `json:"ports,omitempty"`
}

// Import is a ServiceImport as the agent sees it: the service it imports
// (Namespace/Name), the cluster whose export it carries, and that
// export's type, ports and creation time. The adapter maps it to an object
// name (Lighthouse-style agents name per-cluster imports
// name-namespace-cluster).
type Import struct {
	// Namespace is the namespace of the imported service.
	Namespace string `json:"namespace"`
	// Name is the name of the imported service (not the import object's
	// name, which the adapter derives).
	Name string `json:"name"`
	// Owner is the source-cluster label: the cluster that created the
	// import from its export. Empty for an import aggregated by the broker
	// or labelled by nobody.
	Owner string `json:"owner,omitempty"`
	// Type is ImportClusterSetIP or ImportHeadless, from the exported
	// Service's type.
	Type ImportType `json:"type"`
	// Ports are kept sorted by name, protocol and port, so that two imports
	// differing only in port order are equal.
	Ports []ExportPort `json:"ports,omitempty"`
	// ExportCreatedAt is the creation time of the source export: the MCS
	// conflict order (oldest first). Zero for broker aggregates.
	ExportCreatedAt time.Time `json:"exportCreatedAt,omitzero"`
}

// String implements fmt.Stringer.
func (i Import) String() string {
	return fmt.Sprintf("%s/%s@%s", i.Namespace, i.Name, ownerName(i.Owner))
}

// Equal reports whether two imports say the same thing.
func (i Import) Equal(o Import) bool {
	return i.Namespace == o.Namespace && i.Name == o.Name && i.Owner == o.Owner && i.Type == o.Type &&
		i.ExportCreatedAt.Equal(o.ExportCreatedAt) && slices.Equal(i.Ports, o.Ports)
}

func ownerName(owner string) string {
	if owner == "" {
		return "broker"
	}
	return owner
}

// exportKey names a service: the export, and the imports of it.
type exportKey struct{ namespace, name string }

func (k exportKey) String() string { return k.namespace + "/" + k.name }

func compareExportKeys(a, b exportKey) int {
	if c := strings.Compare(a.namespace, b.namespace); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}

// comparePorts orders ports by name, protocol, port and app protocol.
func comparePorts(a, b ExportPort) int {
	return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Protocol, b.Protocol),
		cmp.Compare(a.Port, b.Port), strings.Compare(a.AppProtocol, b.AppProtocol))
}

// sortedPorts returns ports sorted, cloning only if they are not already.
func sortedPorts(ports []ExportPort) []ExportPort {
	if slices.IsSortedFunc(ports, comparePorts) {
		return ports
	}
	out := slices.Clone(ports)
	slices.SortFunc(out, comparePorts)
	return out
}
