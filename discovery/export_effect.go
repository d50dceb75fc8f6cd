package discovery

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ExportKind says what an ExportEffect asks the adapter to do.
type ExportKind uint8

// The export effect kinds.
const (
	// ImportUpsert: create the ServiceImport, or update it to Import. The
	// write comes back as an ImportObserved event; report its outcome with
	// ExportApplied.
	ImportUpsert ExportKind = iota + 1
	// ImportDelete: delete the ServiceImport Import names (its namespace,
	// name and owner, always this cluster). The deletion comes back as an
	// ImportDeleted event; report its outcome with ExportApplied.
	ImportDelete
	// ExportSetCondition: set Condition on the ServiceExport
	// Namespace/Name. The conditions of one export that one step emits are
	// meant for one status write; report its outcome with one
	// ExportApplied.
	ExportSetCondition
	// ExportRetryAfter: after Delay, step an ExportRetryDue of Retry and
	// Namespace/Name. A retry carries no decision: when it is due, the
	// machine emits what it wants by then.
	ExportRetryAfter
)

var exportKindNames = [...]string{ImportUpsert: "UpsertImport", ImportDelete: "DeleteImport",
	ExportSetCondition: "SetCondition", ExportRetryAfter: "RetryAfter"}

// String implements fmt.Stringer.
func (k ExportKind) String() string {
	if k >= ImportUpsert && k <= ExportRetryAfter {
		return exportKindNames[k]
	}
	return fmt.Sprintf("ExportKind(%d)", uint8(k))
}

// MarshalText encodes k as its name.
func (k ExportKind) MarshalText() ([]byte, error) {
	if k < ImportUpsert || k > ExportRetryAfter {
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
	// Kind says what the adapter is to do, and which fields are used.
	Kind ExportKind `json:"type"`
	// Import is the import to write (ImportUpsert) or delete (ImportDelete;
	// only its namespace, name and owner matter).
	Import Import `json:"import,omitzero"`
	// Namespace and Name name the export of an ExportSetCondition, and the
	// service (the key) of an ExportRetryAfter.
	Namespace string `json:"namespace,omitempty"`
	// Name is the export's or service's name; see Namespace.
	Name string `json:"name,omitempty"`
	// Condition is the condition to set on the export's status, for
	// ExportSetCondition (Valid or Conflict, with its transition time).
	Condition metav1.Condition `json:"condition,omitzero"`
	// Retry says what an ExportRetryAfter retries: RetryImport or
	// RetryConditions.
	Retry RetryKind `json:"retry,omitempty"`
	// Delay is how long the adapter waits before reporting
	// ExportRetryDue, for ExportRetryAfter.
	Delay time.Duration `json:"delay,omitempty"`
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
	case ExportRetryAfter:
		return fmt.Sprintf("%v %v %s/%s %v", e.Kind, e.Retry, e.Namespace, e.Name, e.Delay)
	}
	return e.Kind.String()
}
