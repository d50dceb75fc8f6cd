package routes_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/routes/routestest"
)

// The invariants of routestest.Property over generated sessions, with the
// hijack guard on and off.
func TestMachineProperties(t *testing.T) {
	t.Run("guarded", func(t *testing.T) { rapid.Check(t, routestest.Property(routestest.Config())) })
	allow := routestest.Config()
	allow.AllowHijack = true
	t.Run("allow-hijack", func(t *testing.T) { rapid.Check(t, routestest.Property(allow)) })
}
