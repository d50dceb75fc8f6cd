// Package leaky is a fixture that exposes the types of an internal package
// in every way ExposedInternals must catch (lines marked want) and in ways
// it must not report (the rest).
package leaky

import "github.com/meshstate/meshstate/internal/archcheck/testdata/api/internal/secret"

func Param(t secret.T) {} // want "func Param, parameter t names secret.T"

func Result() *secret.T { return nil } // want "func Result, result names secret.T"

func Nested() map[string][]chan secret.I { return nil } // want "func Nested, result names secret.I"

func Generic[X secret.C](x X) {} // want "func Generic, constraint of X names secret.C"

type Config struct {
	Retry    secret.T // want "type Config, field Retry names secret.T"
	private  secret.T
	secret.I // want "type Config, field I names secret.I"
}

type Alias = secret.T // want "type Alias names secret.T"

// Def is a new type with secret.T's underlying type (struct{ N int }),
// none of its methods: importers can use it, so nothing is reported.
type Def secret.T

type Inst = secret.G[int] // want "type Inst names secret.G[int]"

type Arg = []Box[secret.T] // want "type Arg, type argument names secret.T"

type Box[X any] struct{ X X }

type Iface interface { // want "type Iface, embedded names secret.I"
	Get() secret.T // want "type Iface, method Get, result names secret.T"
	secret.I
	get() secret.T
}

type Constrained[X secret.C] struct{} // want "type Constrained, constraint of X names secret.C"

type Method struct{}

func (Method) Do(secret.I) {} // want "method Method.Do, parameter #1 names secret.I"

func (Method) do(secret.I) {}

var V secret.T // want "var V names secret.T"

var v secret.T

const K secret.Public = 1 // want "const K names secret.Public"

const k secret.Public = 2

// Reached is unexported but returned by an exported function, so its
// exported members are API.
type reached struct {
	Field secret.T // want "type reached, field Field names secret.T"
}

func (reached) Exposed() secret.T { return secret.T{} } // want "method reached.Exposed, result names secret.T"

func Reach() reached { return reached{} }

// unreached is not reachable from the API: nothing is reported.
type unreached struct{ Field secret.T }

func (unreached) Exposed() secret.T { return secret.T{} }

var _ = unreached{}

func private(secret.T) {}

var _ = private
