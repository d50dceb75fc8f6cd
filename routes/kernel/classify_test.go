package kernel_test

import (
	"errors"
	"fmt"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
	"github.com/meshstate/meshstate/routes/kernel"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want routes.Class
	}{
		{nil, routes.OK},
		{unix.ENETUNREACH, routes.Unreachable},
		{fmt.Errorf("replace: %w", unix.EHOSTUNREACH), routes.Unreachable},
		{unix.ENODEV, routes.Unreachable},
		{unix.ESRCH, routes.Gone},
		{unix.ENOENT, routes.Gone},
		{unix.EEXIST, routes.Exists},
		{unix.ENOBUFS, routes.Transient},
		{errors.New("socket closed"), routes.Transient},
		{unix.EINVAL, routes.Permanent},
		{unix.EPERM, routes.Permanent},
	} {
		if got := kernel.Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
