package mcskube

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	mcsv1b1 "sigs.k8s.io/mcs-api/pkg/apis/v1beta1"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// Labels and annotations of the ServiceImports the export adapter writes.
const (
	// SourceClusterLabel carries the ID of the cluster whose export an
	// import carries: the ownership marker. An import without it is the
	// broker's aggregate.
	SourceClusterLabel = mcsv1b1.LabelSourceCluster
	// ServiceNameLabel names the Service an import carries, when the
	// import is not named after it.
	ServiceNameLabel = mcsv1b1.LabelServiceName
	// ExportCreatedAtAnnotation records the creation time of the source
	// export (RFC 3339): the MCS conflict order, read back on restart so
	// that an unchanged import is not rewritten.
	ExportCreatedAtAnnotation = "meshstate.io/export-created-at"
)

// exportService converts the Service behind an export: ClusterIP,
// NodePort and LoadBalancer Services all import as ClusterSetIP.
func exportService(s *corev1.Service) mcs.ExportService {
	out := mcs.ExportService{Type: mcs.ExportServiceClusterIP}
	switch {
	case s.Spec.Type == corev1.ServiceTypeExternalName:
		out.Type = mcs.ExportServiceExternalName
	case s.Spec.ClusterIP == corev1.ClusterIPNone:
		out.Type = mcs.ExportServiceHeadless
	}
	for _, p := range s.Spec.Ports {
		out.Ports = append(out.Ports, exportPort(p.Name, p.Protocol, p.Port, p.AppProtocol))
	}
	return out
}

func exportPort(name string, proto corev1.Protocol, port int32, app *string) mcs.ExportPort {
	if proto == "" {
		proto = corev1.ProtocolTCP // the API's default
	}
	p := mcs.ExportPort{Name: name, Protocol: string(proto), Port: port}
	if app != nil {
		p.AppProtocol = *app
	}
	return p
}

// exportObserved joins an export with its Service (the zero ExportService
// if there is none).
func exportObserved(ex *mcsv1b1.ServiceExport, svc mcs.ExportService, at time.Time) mcs.ExportObserved {
	return mcs.ExportObserved{Namespace: ex.Namespace, Name: ex.Name, CreatedAt: ex.CreationTimestamp.UTC(),
		Service: svc, Conditions: slices.Clone(ex.Status.Conditions), At: at}
}

// importOf reads what a ServiceImport imports: the Service named by its
// service-name label, or by the import's own name (an MCS aggregate), in
// the import's namespace, from the cluster its source-cluster label names.
// A creation time that does not parse is read as zero, so that the
// machine rewrites it.
func importOf(si *mcsv1b1.ServiceImport) mcs.Import {
	imp := mcs.Import{Namespace: si.Namespace, Name: si.Name, Owner: si.Labels[SourceClusterLabel],
		Type: mcs.ImportType(si.Spec.Type)}
	if n := si.Labels[ServiceNameLabel]; n != "" {
		imp.Name = n
	}
	if t, err := time.Parse(time.RFC3339Nano, si.Annotations[ExportCreatedAtAnnotation]); err == nil {
		imp.ExportCreatedAt = t.UTC()
	}
	for _, p := range si.Spec.Ports {
		imp.Ports = append(imp.Ports, exportPort(p.Name, p.Protocol, p.Port, p.AppProtocol))
	}
	return imp
}

// importName is the object name of this cluster's import of a Service:
// name.clusterID. A Service's name is a DNS label, without dots, so this
// never collides with the broker's aggregate, which is named after the
// Service.
func importName(imp mcs.Import) string { return imp.Name + "." + imp.Owner }

// writeImport sets what imp says on si, leaving the rest (status, fields
// other controllers fill, such as spec.ips) alone.
func writeImport(si *mcsv1b1.ServiceImport, imp mcs.Import) {
	if si.Labels == nil {
		si.Labels = map[string]string{}
	}
	si.Labels[SourceClusterLabel] = imp.Owner
	si.Labels[ServiceNameLabel] = imp.Name
	if si.Annotations == nil {
		si.Annotations = map[string]string{}
	}
	si.Annotations[ExportCreatedAtAnnotation] = imp.ExportCreatedAt.UTC().Format(time.RFC3339Nano)
	si.Spec.Type = mcsv1b1.ServiceImportType(imp.Type)
	si.Spec.Ports = make([]mcsv1b1.ServicePort, len(imp.Ports))
	for i, p := range imp.Ports {
		si.Spec.Ports[i] = mcsv1b1.ServicePort{Name: p.Name, Protocol: corev1.Protocol(p.Protocol), Port: p.Port}
		if p.AppProtocol != "" {
			si.Spec.Ports[i].AppProtocol = &p.AppProtocol
		}
	}
}

// newImport is a fresh object for imp.
func newImport(imp mcs.Import) *mcsv1b1.ServiceImport {
	si := &mcsv1b1.ServiceImport{ObjectMeta: metav1.ObjectMeta{Namespace: imp.Namespace, Name: importName(imp)}}
	writeImport(si, imp)
	return si
}

// withConditions sets conds on a copy of ex. It does not skip a write that
// changes nothing in the cached copy: the machine asked for it, and the
// cache may be older than the server.
func withConditions(ex *mcsv1b1.ServiceExport, conds []metav1.Condition) *mcsv1b1.ServiceExport {
	out := ex.DeepCopy()
	for _, c := range conds {
		meta.SetStatusCondition(&out.Status.Conditions, c)
	}
	return out
}
