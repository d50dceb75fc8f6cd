package retry_test

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/retry"
)

// A machine turns the attempt count it keeps per object into the delay of
// a RetryAfter effect; the adapter schedules it.
func ExampleSchedule_Delay() {
	s := retry.DefaultSchedule()
	for attempt := range 4 {
		d := s.Delay("submariner-operator/submariner-gip-x", attempt)
		fmt.Println(attempt, d.Round(100*time.Millisecond), d == s.Delay("submariner-operator/submariner-gip-x", attempt))
	}
	// Output:
	// 0 900ms true
	// 1 2.2s true
	// 2 4.4s true
	// 3 8.9s true
}
