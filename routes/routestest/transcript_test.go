package routestest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/internal/scenario"
	"github.com/meshstate/meshstate/routes"
	"github.com/meshstate/meshstate/routes/routestest"
)

// Every generated Desired survives its transcript line (what %#v prints),
// so it can be pasted into a transcript.
func TestDesiredRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		if err := scenario.RoundTrip[routes.Event](routestest.Desired(t), routes.UnmarshalEvent); err != nil {
			t.Fatal(err)
		}
	})
}
