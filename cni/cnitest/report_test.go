package cnitest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/cnitest"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

// A property that fails at the first address added: rapid's report shows
// the drawn address as text.
func TestHistoryDrawsReadably(t *testing.T) {
	out, failed := rapidreport.Capture(t, func(t *rapid.T) {
		for _, ev := range cnitest.History(t, 3) {
			if a, ok := ev.(cni.AddrAdded); ok {
				t.Fatalf("address %v added", a.Address)
			}
		}
	})
	if !failed {
		t.Fatalf("the property passed; rapid said:\n%s", out)
	}
	rapidreport.Readable(t, out, `draw addr: (10\.244|fd00:244|192\.168|2001:db8|127\.0)[0-9a-f.:]*/\d+\n`)
}
