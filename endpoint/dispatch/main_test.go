package dispatch_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must stop what it started: a worker left running is a leak.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
