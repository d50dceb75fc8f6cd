package mcs

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Kind says what an Effect asks the adapter to do.
type Kind uint8

// The export effect kinds.
const (
	// ImportUpsert: create the ServiceImport, or update it to Import. The
	// write comes back as an ImportObserved event; report its outcome with
	// Applied.
	ImportUpsert Kind = iota + 1
	// ImportDelete: delete the ServiceImport Import names (its namespace,
	// name and owner, always this cluster). The deletion comes back as an
	// ImportDeleted event; report its outcome with Applied.
	ImportDelete
	// ExportSetCondition: set Condition on the ServiceExport
	// Namespace/Name. The conditions of one export that one step emits are
	// meant for one status write; report its outcome with one
	// Applied.
	ExportSetCondition
	// RetryAfter: after Delay, step an RetryDue of Retry and
	// Namespace/Name. A retry carries no decision: when it is due, the
	// machine emits what it wants by then.
	RetryAfter
)

var exportKindNames = [...]string{ImportUpsert: "UpsertImport", ImportDelete: "DeleteImport",
	ExportSetCondition: "SetCondition", RetryAfter: "RetryAfter"}

// String implements fmt.Stringer.
func (k Kind) String() string {
	if k >= ImportUpsert && k <= RetryAfter {
		return exportKindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) {
	if k < ImportUpsert || k > RetryAfter {
		return nil, fmt.Errorf("mcs: cannot marshal %v", k)
	}
	return []byte(exportKindNames[k]), nil
}

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, name := range exportKindNames {
		if name != "" && name == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("mcs: unknown export effect kind %q", b)
}

// Effect is an output of the Machine. It is one struct rather
// than a type per kind so that a step returns its effects in one
// allocation; fields a kind does not use are zero. Import.Ports is shared
// with the machine and must not be modified.
type Effect struct {
	// Kind says what the adapter is to do, and which fields are used.
	Kind Kind `json:"type"`
	// Import is the import to write (ImportUpsert) or delete (ImportDelete;
	// only its namespace, name and owner matter).
	Import Import `json:"import,omitzero"`
	// Namespace and Name name the export of an ExportSetCondition, and the
	// service (the key) of an RetryAfter.
	Namespace string `json:"namespace,omitempty"`
	// Name is the export's or service's name; see Namespace.
	Name string `json:"name,omitempty"`
	// Condition is the condition to set on the export's status, for
	// ExportSetCondition (Valid or Conflict, with its transition time).
	Condition metav1.Condition `json:"condition,omitzero"`
	// Retry says what an RetryAfter retries: RetryImport or
	// RetryConditions.
	Retry RetryKind `json:"retry,omitempty"`
	// Delay is how long the adapter waits before reporting
	// RetryDue, for RetryAfter.
	Delay time.Duration `json:"delay,omitempty"`
}

// String summarises the effect, as scenario files write it.
func (e Effect) String() string {
	switch e.Kind {
	case ImportUpsert:
		return fmt.Sprintf("%v %v %s %v", e.Kind, e.Import, e.Import.Type, e.Import.Ports)
	case ImportDelete:
		return fmt.Sprintf("%v %v", e.Kind, e.Import)
	case ExportSetCondition:
		return fmt.Sprintf("%v %s/%s %s=%s/%s", e.Kind, e.Namespace, e.Name, e.Condition.Type, e.Condition.Status, e.Condition.Reason)
	case RetryAfter:
		return fmt.Sprintf("%v %v %s/%s %v", e.Kind, e.Retry, e.Namespace, e.Name, e.Delay)
	}
	return e.Kind.String()
}
