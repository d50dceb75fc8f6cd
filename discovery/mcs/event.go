package mcs

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/internal/tagged"
	"github.com/meshstate/meshstate/lookup"
)

// Event is an input to the Machine. The set is sealed; each
// event encodes to JSON with a "type" member (see UnmarshalEvent).
type Event interface{ isExportEvent() }

// ExportObserved reports a local ServiceExport, added, updated or relisted,
// joined with the Service of the same namespace/name (the adapter
// re-delivers the export when its Service changes).
type ExportObserved struct {
	// Namespace is the ServiceExport's namespace (and its Service's).
	Namespace string `json:"namespace"`
	// Name is the ServiceExport's name (and its Service's).
	Name string `json:"name"`
	// CreatedAt is the export's creation timestamp: the MCS conflict order.
	CreatedAt time.Time `json:"createdAt"`
	// Service is the Service of the same namespace/name; the zero value
	// means there is none, and the export is not valid.
	Service ExportService `json:"service,omitzero"`
	// Conditions are those the export's status records, so that a restart
	// rewrites none that already hold.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

// ExportDeleted reports that a local ServiceExport is gone.
type ExportDeleted struct {
	// Namespace is the deleted ServiceExport's namespace.
	Namespace string `json:"namespace"`
	// Name is the deleted ServiceExport's name.
	Name string `json:"name"`
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

// ImportObserved reports a ServiceImport, added, updated or relisted:
// those this cluster created, those of other clusters and the broker's
// aggregates alike.
type ImportObserved struct {
	// Import is the ServiceImport as the adapter converted it.
	Import Import `json:"import"`
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

// ImportDeleted reports that a ServiceImport is gone.
type ImportDeleted struct {
	// Namespace is the imported service's namespace (Import.Namespace).
	Namespace string `json:"namespace"`
	// Name is the imported service's name (Import.Name).
	Name string `json:"name"`
	// Owner is the deleted import's source cluster (Import.Owner); empty
	// for a broker aggregate.
	Owner string `json:"owner,omitempty"`
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

// ExportsSynced reports that the initial list of ServiceExports (and the
// Services they join) is complete.
type ExportsSynced struct {
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

// ImportsSynced reports that the initial list of ServiceImports is
// complete.
type ImportsSynced struct {
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

// Applied reports how applying an ImportUpsert, an ImportDelete or
// the ExportSetCondition effects of one export ended. Namespace and Name
// name the service (of the import) or the export (of the conditions).
// Report every write, in the order the effects were applied: the machine
// retries what failed, and keeps a write whose outcome is Unknown pending
// until the informer shows what the server holds.
type Applied struct {
	// Namespace is the effect's service or export namespace
	// (Import.Namespace, or the effect's Namespace).
	Namespace string `json:"namespace"`
	// Name is the effect's service or export name.
	Name string `json:"name"`
	// Effect is the applied effect's Kind: ImportUpsert, ImportDelete or
	// ExportSetCondition.
	Effect Kind `json:"effect"`
	// Outcome is how the write ended: Done, Failed, or Unknown when the
	// answer was lost and the write may or may not have landed.
	Outcome Outcome `json:"outcome"`
	// Class is the failure's class (lookup.Classify), for Failed only:
	// Permanent retries on the slow schedule, anything else on the fast.
	Class lookup.Class `json:"class,omitempty"`
	// Message is the error's text, for logs and traces; empty on
	// success.
	Message string `json:"message,omitempty"`
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

// RetryDue reports that the delay of an RetryAfter effect has
// passed. It carries the retry's key and kind, never the decision: the
// machine emits what it wants for the import or the conditions now, and
// nothing if a newer effect, an observation or a Done outcome has
// superseded the retry since. A late or repeated one is harmless.
type RetryDue struct {
	// Kind is the RetryAfter's Retry: RetryImport or
	// RetryConditions.
	Kind RetryKind `json:"kind"`
	// Namespace is the RetryAfter's Namespace.
	Namespace string `json:"namespace"`
	// Name is the RetryAfter's Name.
	Name string `json:"name"`
	// At is when the adapter saw the event; the machine has no clock, so
	// it stamps the LastTransitionTime of conditions the event changes
	// with it. The zero Time stamps the Unix epoch.
	At time.Time `json:"at,omitzero"`
}

func (ExportObserved) isExportEvent() {}
func (ExportDeleted) isExportEvent()  {}
func (ImportObserved) isExportEvent() {}
func (ImportDeleted) isExportEvent()  {}
func (ExportsSynced) isExportEvent()  {}
func (ImportsSynced) isExportEvent()  {}
func (Applied) isExportEvent()        {}
func (RetryDue) isExportEvent()       {}

type (
	exportObservedJSON ExportObserved
	exportDeletedJSON  ExportDeleted
	importObservedJSON ImportObserved
	importDeletedJSON  ImportDeleted
	exportsSyncedJSON  ExportsSynced
	importsSyncedJSON  ImportsSynced
	exportAppliedJSON  Applied
	exportRetryDueJSON RetryDue
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

// MarshalJSON encodes the event with "type": "Applied".
func (e Applied) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("Applied", exportAppliedJSON(e))
}

// MarshalJSON encodes the event with "type": "RetryDue".
func (e RetryDue) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("RetryDue", exportRetryDueJSON(e))
}

var exportEventDecoders = tagged.Decoders[Event]{
	"ExportObserved": tagged.As(func(e exportObservedJSON) Event { return ExportObserved(e) }),
	"ExportDeleted":  tagged.As(func(e exportDeletedJSON) Event { return ExportDeleted(e) }),
	"ImportObserved": tagged.As(func(e importObservedJSON) Event { return ImportObserved(e) }),
	"ImportDeleted":  tagged.As(func(e importDeletedJSON) Event { return ImportDeleted(e) }),
	"ExportsSynced":  tagged.As(func(e exportsSyncedJSON) Event { return ExportsSynced(e) }),
	"ImportsSynced":  tagged.As(func(e importsSyncedJSON) Event { return ImportsSynced(e) }),
	"Applied":        tagged.As(func(e exportAppliedJSON) Event { return Applied(e) }),
	"RetryDue":       tagged.As(func(e exportRetryDueJSON) Event { return RetryDue(e) }),
}

// UnmarshalEvent decodes one event encoded by json.Marshal, such as a
// line of a recorded trace. The machine validates it when it steps.
func UnmarshalEvent(data []byte) (Event, error) { return exportEventDecoders.Decode(data) }
