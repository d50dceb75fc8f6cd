package lookup_test

import (
	"context"
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// Machines import lookup for Class, so lookup must not bring them what
// their architecture test bans as dependencies, nor import net/http itself.
// It may use net, syscall and context: it inspects their errors, and the
// machines' rules ban those as direct imports only.
func TestDependencies(t *testing.T) {
	const why = "machines import lookup; it must not bring them I/O"
	pure := archcheck.PureMachine()
	rules := archcheck.Rules{
		Deps:         pure.Deps,
		Imports:      []archcheck.Ban{{Pattern: "net/http", Why: why}, {Pattern: "os/...", Why: why}, {Pattern: "math/rand/...", Why: why}},
		Refs:         pure.Refs,
		NoGoroutines: pure.NoGoroutines,
	}
	vs, err := archcheck.Check(context.Background(), ".", []string{"."}, rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
}
