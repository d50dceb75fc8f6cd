package discovery

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ExportKind says what an ExportEffect asks the adapter to do.
type ExportKind uint8

// The export effect kinds.
const (
	// ImportUpsert: create the ServiceImport, or update it to Import. The
	// write comes back as an ImportObserved event.
	ImportUpsert ExportKind = iota + 1
	// ImportDelete: delete the ServiceImport Import names (its namespace,
	// name and owner, always this cluster). The deletion comes back as an
	// ImportDeleted event.
	ImportDelete
	// ExportSetCondition: set Condition on the ServiceExport
	// Namespace/Name.
	ExportSetCondition
)

var exportKindNames = [...]string{ImportUpsert: "UpsertImport", ImportDelete: "DeleteImport",
	ExportSetCondition: "SetCondition"}

// String implements fmt.Stringer.
func (k ExportKind) String() string {
	if k >= ImportUpsert && k <= ExportSetCondition {
		return exportKindNames[k]
	}
	return fmt.Sprintf("ExportKind(%d)", uint8(k))
}

// MarshalText encodes k as its name.
func (k ExportKind) MarshalText() ([]byte, error) {
	if k < ImportUpsert || k > ExportSetCondition {
		return nil, fmt.Errorf("discovery: cannot marshal %v", k)
	}
	return []byte(exportKindNames[k]), nil
}

// UnmarshalText decodes a kind name.
func (k *ExportKind) UnmarshalText(b []byte) error {
	for i, name := range exportKindNames {
		if name != "" && name == string(b) {
			*k = ExportKind(i)
			return nil
		}
	}
	return fmt.Errorf("discovery: unknown export effect kind %q", b)
}

// ExportEffect is an output of the ExportMachine. It is one struct rather
// than a type per kind so that a step returns its effects in one
// allocation; fields a kind does not use are zero. Import.Ports is shared
// with the machine and must not be modified.
type ExportEffect struct {
	Kind ExportKind `json:"type"`
	// Import is the import to write (ImportUpsert) or delete (ImportDelete;
	// only its namespace, name and owner matter).
	Import Import `json:"import,omitzero"`
	// Namespace and Name name the export of an ExportSetCondition.
	Namespace string           `json:"namespace,omitempty"`
	Name      string           `json:"name,omitempty"`
	Condition metav1.Condition `json:"condition,omitzero"`
}

// String summarises the effect, as scenario files write it.
func (e ExportEffect) String() string {
	switch e.Kind {
	case ImportUpsert:
		return fmt.Sprintf("%v %v %s %v", e.Kind, e.Import, e.Import.Type, e.Import.Ports)
	case ImportDelete:
		return fmt.Sprintf("%v %v", e.Kind, e.Import)
	case ExportSetCondition:
		return fmt.Sprintf("%v %s/%s %s=%s/%s", e.Kind, e.Namespace, e.Name, e.Condition.Type, e.Condition.Status, e.Condition.Reason)
	}
	return e.Kind.String()
}
