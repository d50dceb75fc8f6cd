package routestest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/routes/routestest"
)

// Check the routes machine against a simulated kernel in a test of your
// own, with your table, protocol and local CIDRs in place of Config's:
//
//	func TestRoutes(t *testing.T) { rapid.Check(t, routestest.Property(cfg)) }
func ExampleProperty() {
	cfg := routestest.Config()
	cfg.Table, cfg.Protocol = 150, 250
	var test func(*testing.T) = rapid.MakeCheck(routestest.Property(cfg))
	_ = test
}
