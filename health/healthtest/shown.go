package healthtest

import (
	"fmt"

	"pgregory.net/rapid"
)

// shown carries a drawn value whose %#v (what rapid's report prints for a
// draw) is its %v: "10.1.0.1", not netip's internals.
type shown[V any] struct{ v V }

// GoString implements fmt.GoStringer.
func (s shown[V]) GoString() string { return fmt.Sprint(s.v) }

// draw is g.Draw(t, label), reported in rapid's counterexample with %v.
func draw[V any](t *rapid.T, g *rapid.Generator[V], label string) V {
	return rapid.Map(g, func(v V) shown[V] { return shown[V]{v} }).Draw(t, label).v
}
