package healthtest

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

// A property that fails at the first notification with a health-check IP
// or the first probe answered: rapid's report shows the drawn address and
// round-trip time as text.
func TestDrawEventReadably(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fails   func(health.Event) bool
		pattern string
	}{
		{"ip", func(ev health.Event) bool {
			n, ok := ev.(health.Notified)
			return ok && n.Notification.Endpoint.HealthCheckIP.IsValid()
		}, `draw ip: (10\.1\.0\.[12]|fd00::1)\n`},
		{"rtt", func(ev health.Event) bool {
			r, ok := ev.(health.ProbeResult)
			return ok && !r.Lost && r.Received.After(r.Sent)
		}, `draw rtt: [0-9.]+(ms|µs|s)\n`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, failed := rapidreport.Capture(t, func(t *rapid.T) {
				m, err := health.New(health.Config{})
				if err != nil {
					t.Fatal(err)
				}
				if ev := drawEvent(t, m, epoch.Add(time.Second)); tc.fails(ev) {
					t.Fatalf("%T", ev)
				}
			})
			if !failed {
				t.Fatalf("the property passed; rapid said:\n%s", out)
			}
			rapidreport.Readable(t, out, tc.pattern)
		})
	}
}
