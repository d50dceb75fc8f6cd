package discovery

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/internal/tagged"
	"github.com/meshstate/meshstate/lookup"
)

// ExportEvent is an input to the ExportMachine. The set is sealed; each
// event encodes to JSON with a "type" member (see UnmarshalExportEvent).
type ExportEvent interface{ isExportEvent() }

// ExportObserved reports a local ServiceExport, added, updated or relisted,
// joined with the Service of the same namespace/name (the adapter
// re-delivers the export when its Service changes).
type ExportObserved struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// CreatedAt is the export's creation timestamp: the MCS conflict order.
	CreatedAt time.Time     `json:"createdAt"`
	Service   ExportService `json:"service,omitzero"`
	// Conditions are those the export's status records, so that a restart
	// rewrites none that already hold.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	At         time.Time          `json:"at,omitzero"`
}

// ExportDeleted reports that a local ServiceExport is gone.
type ExportDeleted struct {
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	At        time.Time `json:"at,omitzero"`
}

// ImportObserved reports a ServiceImport, added, updated or relisted:
// those this cluster created, those of other clusters and the broker's
// aggregates alike.
type ImportObserved struct {
	Import Import    `json:"import"`
	At     time.Time `json:"at,omitzero"`
}

// ImportDeleted reports that a ServiceImport is gone.
type ImportDeleted struct {
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	Owner     string    `json:"owner,omitempty"`
	At        time.Time `json:"at,omitzero"`
}

// ExportsSynced reports that the initial list of ServiceExports (and the
// Services they join) is complete.
type ExportsSynced struct {
	At time.Time `json:"at,omitzero"`
}

// ImportsSynced reports that the initial list of ServiceImports is
// complete.
type ImportsSynced struct {
	At time.Time `json:"at,omitzero"`
}

// ExportApplied reports how applying an ImportUpsert, an ImportDelete or
// the ExportSetCondition effects of one export ended. Namespace and Name
// name the service (of the import) or the export (of the conditions).
// Report every write, in the order the effects were applied: the machine
// retries what failed, and keeps a write whose outcome is Unknown pending
// until the informer shows what the server holds.
type ExportApplied struct {
	Namespace string     `json:"namespace"`
	Name      string     `json:"name"`
	Effect    ExportKind `json:"effect"`
	Outcome   Outcome    `json:"outcome"`
	// Class is the failure's class (lookup.Classify), for Failed only:
	// Permanent retries on the slow schedule, anything else on the fast.
	Class   lookup.Class `json:"class,omitempty"`
	Message string       `json:"message,omitempty"`
	At      time.Time    `json:"at,omitzero"`
}

// ExportRetryDue reports that the delay of an ExportRetryAfter effect has
// passed. It carries the retry's key and kind, never the decision: the
// machine emits what it wants for the import or the conditions now, and
// nothing if a newer effect, an observation or a Done outcome has
// superseded the retry since. A late or repeated one is harmless.
type ExportRetryDue struct {
	Kind      RetryKind `json:"kind"`
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	At        time.Time `json:"at,omitzero"`
}

func (ExportObserved) isExportEvent() {}
func (ExportDeleted) isExportEvent()  {}
func (ImportObserved) isExportEvent() {}
func (ImportDeleted) isExportEvent()  {}
func (ExportsSynced) isExportEvent()  {}
func (ImportsSynced) isExportEvent()  {}
func (ExportApplied) isExportEvent()  {}
func (ExportRetryDue) isExportEvent() {}

type (
	exportObservedJSON ExportObserved
	exportDeletedJSON  ExportDeleted
	importObservedJSON ImportObserved
	importDeletedJSON  ImportDeleted
	exportsSyncedJSON  ExportsSynced
	importsSyncedJSON  ImportsSynced
	exportAppliedJSON  ExportApplied
	exportRetryDueJSON ExportRetryDue
)

// MarshalJSON encodes the event with "type": "ExportObserved".
func (e ExportObserved) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ExportObserved", exportObservedJSON(e))
}

// MarshalJSON encodes the event with "type": "ExportDeleted".
func (e ExportDeleted) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ExportDeleted", exportDeletedJSON(e))
}

// MarshalJSON encodes the event with "type": "ImportObserved".
func (e ImportObserved) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ImportObserved", importObservedJSON(e))
}

// MarshalJSON encodes the event with "type": "ImportDeleted".
func (e ImportDeleted) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ImportDeleted", importDeletedJSON(e))
}

// MarshalJSON encodes the event with "type": "ExportsSynced".
func (e ExportsSynced) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ExportsSynced", exportsSyncedJSON(e))
}

// MarshalJSON encodes the event with "type": "ImportsSynced".
func (e ImportsSynced) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ImportsSynced", importsSyncedJSON(e))
}

// MarshalJSON encodes the event with "type": "ExportApplied".
func (e ExportApplied) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ExportApplied", exportAppliedJSON(e))
}

// MarshalJSON encodes the event with "type": "ExportRetryDue".
func (e ExportRetryDue) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ExportRetryDue", exportRetryDueJSON(e))
}

var exportEventDecoders = tagged.Decoders[ExportEvent]{
	"ExportObserved": tagged.As(func(e exportObservedJSON) ExportEvent { return ExportObserved(e) }),
	"ExportDeleted":  tagged.As(func(e exportDeletedJSON) ExportEvent { return ExportDeleted(e) }),
	"ImportObserved": tagged.As(func(e importObservedJSON) ExportEvent { return ImportObserved(e) }),
	"ImportDeleted":  tagged.As(func(e importDeletedJSON) ExportEvent { return ImportDeleted(e) }),
	"ExportsSynced":  tagged.As(func(e exportsSyncedJSON) ExportEvent { return ExportsSynced(e) }),
	"ImportsSynced":  tagged.As(func(e importsSyncedJSON) ExportEvent { return ImportsSynced(e) }),
	"ExportApplied":  tagged.As(func(e exportAppliedJSON) ExportEvent { return ExportApplied(e) }),
	"ExportRetryDue": tagged.As(func(e exportRetryDueJSON) ExportEvent { return ExportRetryDue(e) }),
}

// UnmarshalExportEvent decodes one event encoded by json.Marshal, such as a
// line of a recorded trace. The machine validates it when it steps.
func UnmarshalExportEvent(data []byte) (ExportEvent, error) { return exportEventDecoders.Decode(data) }
