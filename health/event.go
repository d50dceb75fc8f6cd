package health

import (
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/internal/tagged"
)

// Event is an input to the machine. The set is sealed; each event encodes
// to JSON with a "type" member (see UnmarshalEvent).
type Event interface{ isEvent() }

// Notified delivers one notification of the endpoint machine. Remote kinds
// track, re-address and retire endpoints; Local kinds are ignored.
type Notified struct {
	// Notification is the endpoint machine's notification, as the
	// dispatcher delivers it.
	Notification endpoint.Effect `json:"notification"`
	// At is when it was delivered. The machine does not read it; it
	// dates the event in traces and scenario files.
	At time.Time `json:"at,omitzero"`
}

// ProbeResult reports one probe of the prober Generation started for
// Endpoint: a reply received at Received, or, with Lost, none within the
// prober's timeout. A result of any other prober than the endpoint's
// current one, or with a Seq not above the last one taken, is ignored.
type ProbeResult struct {
	// Endpoint is the probed endpoint's Name, as in StartProber.
	Endpoint string `json:"endpoint"`
	// Generation is the StartProber's Generation of the prober that sent
	// the probe.
	Generation uint64 `json:"generation"`
	// Seq numbers the prober's probes, increasing from 1; a result whose
	// Seq is not above the last one taken is ignored.
	Seq uint64 `json:"seq"`
	// Sent is when the probe was sent, by the prober's clock.
	Sent time.Time `json:"sent"`
	// Received is when the reply came, by the same clock; Received-Sent
	// is the latency. Zero when Lost.
	Received time.Time `json:"received,omitzero"`
	// Lost says no reply came within the prober's timeout.
	Lost bool `json:"lost,omitempty"`
}

// Tick asks for a Report of every tracked endpoint's status.
type Tick struct {
	// At is the tick's time, copied to the Report.
	At time.Time `json:"at"`
}

func (Notified) isEvent()    {}
func (ProbeResult) isEvent() {}
func (Tick) isEvent()        {}

type (
	notifiedJSON    Notified
	probeResultJSON ProbeResult
	tickJSON        Tick
)

// MarshalJSON encodes the event with "type": "Notified".
func (e Notified) MarshalJSON() ([]byte, error) { return tagged.Marshal("Notified", notifiedJSON(e)) }

// MarshalJSON encodes the event with "type": "ProbeResult".
func (e ProbeResult) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ProbeResult", probeResultJSON(e))
}

// MarshalJSON encodes the event with "type": "Tick".
func (e Tick) MarshalJSON() ([]byte, error) { return tagged.Marshal("Tick", tickJSON(e)) }

var eventDecoders = tagged.Decoders[Event]{
	"Notified":    tagged.As(func(e notifiedJSON) Event { return Notified(e) }),
	"ProbeResult": tagged.As(func(e probeResultJSON) Event { return ProbeResult(e) }),
	"Tick":        tagged.As(func(e tickJSON) Event { return Tick(e) }),
}

// UnmarshalEvent decodes one event encoded by json.Marshal, such as a line
// of a recorded trace. The machine validates it when it steps.
func UnmarshalEvent(data []byte) (Event, error) { return eventDecoders.Decode(data) }
