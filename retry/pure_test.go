package retry_test

import (
	"context"
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// Machines import this package, so it keeps their rules (no clock, no
// randomness, no I/O) although the root architecture test checks only the
// machines' own files: the only clock here is the frozen one handed to
// backoff.
func TestPure(t *testing.T) {
	vs, err := archcheck.Check(context.Background(), ".", []string{"."}, archcheck.PureMachine())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
}
