// Package secret is an internal package whose types the leaky fixture
// exposes.
package secret

// T is a type importers outside the module cannot name.
type T struct{ N int }

// I is an interface importers outside the module cannot name.
type I interface{ M() }

// C is a constraint importers outside the module cannot name.
type C interface{ ~int | ~string }

// G is a generic type importers outside the module cannot name.
type G[X any] struct{ X X }

// hidden has exported methods that embedding promotes.
type hidden struct{}

// Unused keeps hidden used.
var Unused hidden

// Public is public.
type Public int

// Wrap is a public type from a public package below the internal one; it is
// still internal.
type Wrap = T
