package health_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/health/healthtest"
)

// The lifecycle, per-window status and statistics, rejection and
// determinism invariants over generated sessions, with small windows so
// that results slide out often, and with the latency rule on.
func TestMachineProperties(t *testing.T) {
	for name, cfg := range map[string]health.Config{
		"defaults": {},
		"window-4": {Window: 4, ErrorAfter: 2, DegradedLossRatio: 0.25},
		"window-1": {Window: 1, ErrorAfter: 1, DegradedLossRatio: 1},
		"latency":  {Window: 8, ErrorAfter: 3, DegradedLossRatio: 0.5, MaxMeanLatency: 2 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) { rapid.Check(t, healthtest.Property(cfg)) })
	}
}
