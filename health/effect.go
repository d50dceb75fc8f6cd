package health

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/enum"
)

// Kind says what an Effect asks the adapter to do.
type Kind uint8

// The effect kinds.
const (
	// StartProber: start probing IP for Endpoint, tagging results with
	// Generation.
	StartProber Kind = iota + 1
	// StopProber: stop the prober Generation of Endpoint. Each started
	// prober is stopped exactly once, when its endpoint is retired or its
	// IP changes.
	StopProber
	// StatusChanged: Endpoint's status is now Status, for Reason.
	StatusChanged
	// Report: Statuses lists every tracked endpoint, by name, At a Tick.
	Report
)

var kindNames = [...]string{StartProber: "StartProber", StopProber: "StopProber",
	StatusChanged: "StatusChanged", Report: "Report"}

// String implements fmt.Stringer.
func (k Kind) String() string { return enum.Name(kindNames[:], k, "Kind") }

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return enum.Marshal(kindNames[:], k, "health.Kind") }

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[Kind](kindNames[:], b, "health.Kind")
	return err
}

// Effect is an output of the machine. It is one struct rather than a type
// per kind so that a step returns its effects without allocating; fields a
// kind does not use are zero. A Report's Statuses belong to the caller.
type Effect struct {
	// Kind says what the adapter is to do, and so which of the other
	// fields are set.
	Kind Kind `json:"type"`
	// Endpoint is the endpoint's Name (StartProber, StopProber,
	// StatusChanged).
	Endpoint string `json:"endpoint,omitempty"`
	// IP is the address to probe, the endpoint's HealthCheckIP
	// (StartProber).
	IP netip.Addr `json:"ip,omitzero"`
	// Generation identifies the prober, unique over the machine's life
	// and starting at 1: the adapter tags its ProbeResults with it, and
	// StopProber names the one to stop (StartProber, StopProber).
	Generation uint64 `json:"generation,omitempty"`
	// Status is the endpoint's new status (StatusChanged).
	Status Status `json:"status,omitempty"`
	// Reason is why, one of the Reason constants (StatusChanged).
	Reason string `json:"reason,omitempty"`
	// Statuses are every tracked endpoint's status, sorted by name
	// (Report); the slice belongs to the caller.
	Statuses []EndpointStatus `json:"statuses,omitempty"`
	// At is the Tick's time (Report).
	At time.Time `json:"at,omitzero"`
}

// String summarises the effect, as scenario files write it.
func (e Effect) String() string {
	switch e.Kind {
	case StartProber:
		return fmt.Sprintf("StartProber %s %s #%d", e.Endpoint, e.IP, e.Generation)
	case StopProber:
		return fmt.Sprintf("StopProber %s #%d", e.Endpoint, e.Generation)
	case StatusChanged:
		return fmt.Sprintf("StatusChanged %s %s/%s", e.Endpoint, e.Status, e.Reason)
	case Report:
		s := "Report"
		for _, st := range e.Statuses {
			s += fmt.Sprintf(" %s=%s", st.Endpoint, st.Status)
		}
		return s
	}
	return e.Kind.String()
}
