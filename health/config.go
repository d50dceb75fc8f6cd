package health

import (
	"fmt"
	"time"
)

// Defaults of Config fields left zero.
const (
	DefaultWindow            = 16
	DefaultErrorAfter        = 5
	DefaultDegradedLossRatio = 0.2
	// MaxWindow bounds Window so that the exact sums cannot overflow.
	MaxWindow = 1024
	// MaxRTT is the longest round trip a ProbeResult may report; it bounds
	// the exact sums too, and nothing real takes longer.
	MaxRTT = time.Hour
)

// Config sets the window and the status thresholds. Zero fields take the
// defaults.
type Config struct {
	// Window is how many of the latest results of a prober decide its
	// endpoint's status and statistics (1..MaxWindow; default 16).
	Window int `json:"window,omitempty"`
	// ErrorAfter is how many consecutive losses make an endpoint Error
	// (1..Window; default 5).
	ErrorAfter int `json:"errorAfter,omitempty"`
	// DegradedLossRatio: a window whose lost fraction exceeds it is
	// Degraded (0 < r <= 1, default 0.2; 1 never degrades on losses).
	DegradedLossRatio float64 `json:"degradedLossRatio,omitempty"`
	// MaxMeanLatency: a window whose mean latency exceeds it is Degraded;
	// zero disables the rule.
	MaxMeanLatency time.Duration `json:"maxMeanLatency,omitempty"`
}

// withDefaults fills zero fields and validates the result.
func (c Config) withDefaults() (Config, error) {
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.ErrorAfter == 0 {
		c.ErrorAfter = min(DefaultErrorAfter, c.Window)
	}
	if c.DegradedLossRatio == 0 {
		c.DegradedLossRatio = DefaultDegradedLossRatio
	}
	bad := func(field, reason string) (Config, error) {
		return Config{}, &RejectedError{Field: field, Reason: reason, Err: ErrInvalidConfig}
	}
	switch {
	case c.Window < 1 || c.Window > MaxWindow:
		return bad("window", fmt.Sprintf("%d not in 1..%d", c.Window, MaxWindow))
	case c.ErrorAfter < 1 || c.ErrorAfter > c.Window:
		// Beyond the window the rule would need history the window forgets.
		return bad("errorAfter", fmt.Sprintf("%d not in 1..window (%d)", c.ErrorAfter, c.Window))
	case !(c.DegradedLossRatio > 0 && c.DegradedLossRatio <= 1): // also catches NaN
		return bad("degradedLossRatio", fmt.Sprintf("%v not in (0, 1]", c.DegradedLossRatio))
	case c.MaxMeanLatency < 0:
		return bad("maxMeanLatency", "negative")
	}
	return c, nil
}
