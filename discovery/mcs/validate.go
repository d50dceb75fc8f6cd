package mcs

import (
	"fmt"

	"github.com/meshstate/meshstate/internal/k8sname"
)

// validateExportName checks a namespace and a Service name: both DNS-1123
// labels.
func validateExportName(namespace, name string, sentinel error, owner string) error {
	if r := k8sname.Label(namespace); r != "" {
		return &RejectedError{Namespace: namespace, Name: name, Owner: owner, Field: "namespace", Reason: r, Err: sentinel}
	}
	if r := k8sname.Label(name); r != "" {
		return &RejectedError{Namespace: namespace, Name: name, Owner: owner, Field: "name", Reason: r, Err: sentinel}
	}
	return nil
}

func validateExportObserved(e *ExportObserved) error {
	if err := validateExportName(e.Namespace, e.Name, ErrInvalidExport, ""); err != nil {
		return err
	}
	switch e.Service.Type {
	case ExportServiceNone, ExportServiceClusterIP, ExportServiceHeadless, ExportServiceExternalName:
	default:
		return &RejectedError{Namespace: e.Namespace, Name: e.Name, Field: "service.type",
			Reason: fmt.Sprintf("unknown type %q", e.Service.Type), Err: ErrInvalidExport}
	}
	if field, r := validatePorts(e.Service.Ports); r != "" {
		return &RejectedError{Namespace: e.Namespace, Name: e.Name, Field: "service." + field, Reason: r, Err: ErrInvalidExport}
	}
	return nil
}

func validateImport(i *Import) error {
	if err := validateExportName(i.Namespace, i.Name, ErrInvalidImport, i.Owner); err != nil {
		return err
	}
	if i.Owner != "" {
		if r := k8sname.Label(i.Owner); r != "" {
			return &RejectedError{Namespace: i.Namespace, Name: i.Name, Owner: i.Owner, Field: "owner", Reason: r, Err: ErrInvalidImport}
		}
	}
	if i.Type != ImportClusterSetIP && i.Type != ImportHeadless {
		return &RejectedError{Namespace: i.Namespace, Name: i.Name, Owner: i.Owner, Field: "type",
			Reason: fmt.Sprintf("unknown type %q", i.Type), Err: ErrInvalidImport}
	}
	if field, r := validatePorts(i.Ports); r != "" {
		return &RejectedError{Namespace: i.Namespace, Name: i.Name, Owner: i.Owner, Field: field, Reason: r, Err: ErrInvalidImport}
	}
	return nil
}

// validatePorts applies the Service API's port rules that matter here:
// a known protocol, a port number in range, names that are labels and,
// with several ports, present and unique; no protocol/port twice.
func validatePorts(ports []ExportPort) (field, reason string) {
	for i, p := range ports {
		field = fmt.Sprintf("ports[%d]", i)
		switch {
		case p.Protocol != "TCP" && p.Protocol != "UDP" && p.Protocol != "SCTP":
			return field + ".protocol", fmt.Sprintf("unknown protocol %q", p.Protocol)
		case p.Port < 1 || p.Port > 65535:
			return field + ".port", fmt.Sprintf("%d is out of range 1-65535", p.Port)
		case p.Name == "" && len(ports) > 1:
			return field + ".name", "required when there are several ports"
		}
		if p.Name != "" {
			if r := k8sname.Label(p.Name); r != "" {
				return field + ".name", r
			}
		}
		for j := range i {
			q := ports[j]
			if p.Name != "" && p.Name == q.Name {
				return field + ".name", fmt.Sprintf("duplicate of ports[%d]", j)
			}
			if p.Port == q.Port && p.Protocol == q.Protocol {
				return field + ".port", fmt.Sprintf("%d/%s duplicates ports[%d]", p.Port, p.Protocol, j)
			}
		}
	}
	return "", ""
}
