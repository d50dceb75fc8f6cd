package healthtest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/health/healthtest"
)

// Check the health machine, configured as your checker configures it,
// against the model in a test of your own:
//
//	func TestHealth(t *testing.T) { rapid.Check(t, healthtest.Property(cfg)) }
//
// Each run steps generated notifications, probe results and ticks, and
// checks prober lifecycles, per-endpoint statuses and statistics.
func ExampleProperty() {
	cfg := health.Config{Window: 8, ErrorAfter: 3}
	var test func(*testing.T) = rapid.MakeCheck(healthtest.Property(cfg))
	_ = test
}
