package icmp_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must stop what it started: a prober or reader left running is
// a leak.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
