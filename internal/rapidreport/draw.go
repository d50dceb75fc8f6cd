package rapidreport

import (
	"fmt"

	"pgregory.net/rapid"
)

// shown carries a drawn value whose %#v (what rapid's report prints for a
// draw) is its %v: "10.244.3.1/32", not netip's internals.
type shown[V any] struct{ v V }

// GoString implements fmt.GoStringer.
func (s shown[V]) GoString() string { return fmt.Sprint(s.v) }

// Draw is g.Draw(t, label), reported in rapid's counterexample with %v, so
// that a kit's drawn addresses and prefixes read as they are written.
func Draw[V any](t *rapid.T, g *rapid.Generator[V], label string) V {
	return rapid.Map(g, func(v V) shown[V] { return shown[V]{v} }).Draw(t, label).v
}
