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
		d := s.Delay("default/globalip-x", attempt)
		fmt.Println(attempt, d.Round(100*time.Millisecond), d == s.Delay("default/globalip-x", attempt))
	}
	// Output:
	// 0 1.1s true
	// 1 1.9s true
	// 2 3.5s true
	// 3 8.2s true
}
