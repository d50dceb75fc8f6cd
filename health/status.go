package health

import (
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/enum"
)

// Status is an endpoint's connection status. The zero value is not a
// status: every tracked endpoint has one of the four, from the moment it is
// tracked, so consumers never map an empty status.
type Status uint8

// The statuses; see the package documentation for the rules.
const (
	Connecting Status = iota + 1
	Connected
	Degraded
	Error
)

var statusNames = [...]string{Connecting: "connecting", Connected: "connected", Degraded: "degraded", Error: "error"}

// String implements fmt.Stringer.
func (s Status) String() string { return enum.Name(statusNames[:], s, "Status") }

// MarshalText encodes s as its name.
func (s Status) MarshalText() ([]byte, error) {
	return enum.Marshal(statusNames[:], s, "health.Status")
}

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) (err error) {
	*s, err = enum.Unmarshal[Status](statusNames[:], b, "health.Status")
	return err
}

// Reasons given with a status.
const (
	ReasonProberStarted     = "ProberStarted"     // tracked, or restarted at a new IP: no results yet
	ReasonAwaitingReply     = "AwaitingReply"     // results, but no reply yet in the window
	ReasonConsecutiveLosses = "ConsecutiveLosses" // the last ErrorAfter results were lost
	ReasonLossRatio         = "LossRatio"         // too many losses in the window
	ReasonHighLatency       = "HighLatency"       // mean latency above MaxMeanLatency
	ReasonReplies           = "Replies"           // healthy
)

// LatencyStats summarise the replies in a window. All are zero without
// replies. StdDev is the population standard deviation.
type LatencyStats struct {
	// Samples is how many replies of the window the statistics are over.
	Samples int `json:"samples"`
	// Last is the latency (Received - Sent) of the latest reply.
	Last time.Duration `json:"last"`
	// Min is the lowest latency in the window.
	Min time.Duration `json:"min"`
	// Max is the highest latency in the window.
	Max time.Duration `json:"max"`
	// Mean is the mean latency, compared with Config.MaxMeanLatency.
	Mean time.Duration `json:"mean"`
	// StdDev is the population standard deviation of the latencies.
	StdDev time.Duration `json:"stdDev"`
}

// EndpointStatus is one entry of a Report and of the Statuses query.
type EndpointStatus struct {
	// Endpoint is the endpoint's Name.
	Endpoint string `json:"endpoint"`
	// ClusterID is the cluster the endpoint belongs to.
	ClusterID string `json:"clusterID"`
	// IP is the address being probed, the endpoint's HealthCheckIP.
	IP netip.Addr `json:"ip"`
	// Status is the endpoint's current status.
	Status Status `json:"status"`
	// Reason is why, one of the Reason constants.
	Reason string `json:"reason"`
	// Results counts the results in the window (at most Config.Window).
	Results int `json:"results"`
	// Lost counts the window's results that are losses.
	Lost int `json:"lost"`
	// Latency summarises the window's replies.
	Latency LatencyStats `json:"latency"`
}
