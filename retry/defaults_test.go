package retry_test

import (
	"errors"
	"testing"
	"time"

	"github.com/meshstate/meshstate/retry"
)

// Zero schedules become the defaults; a set one is kept; an invalid one is
// named by its field.
func TestDefaults(t *testing.T) {
	var fast, slow retry.Schedule
	if field, err := retry.Defaults(&fast, &slow); err != nil || field != "" {
		t.Fatalf("zero schedules: %q %v", field, err)
	}
	if fast != retry.DefaultSchedule() || slow != retry.SlowSchedule() {
		t.Errorf("got %+v and %+v, want the defaults", fast, slow)
	}
	own := retry.Schedule{Initial: time.Millisecond, Max: time.Second, Multiplier: 2}
	fast, slow = own, retry.Schedule{Initial: -1}
	field, err := retry.Defaults(&fast, &slow)
	if field != "slowRetry" || !errors.Is(err, retry.ErrInvalidSchedule) || fast != own {
		t.Errorf("invalid slow schedule: %q %v, fast %+v", field, err, fast)
	}
}
