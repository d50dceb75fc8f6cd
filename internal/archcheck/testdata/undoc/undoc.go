package undoc

// The package has no package comment: that is reported once, at the package.
// Wants in this fixture are block comments at the start of a line, which are
// neither doc comments nor line comments.

func F() {} // want "func F has no doc comment"

// G is documented.
func G() {}

func private() {}

var V = 1 // line comments count for values

var /* want "var W has no doc comment" */ W = 2

// The group's doc covers its constants.
const (
	A = 1
	B = 2
)

const (
	C = 3 // line comment
	/* want "const D has no doc comment" */ D = 4
	e                                         = 5
)

type T struct { // want "type T has no doc comment"
	Documented int // a trailing comment counts
	/* want "field Bare of T has no doc comment" */ Bare int
	// X and Y share one doc.
	X, Y int
	/* want "field Z of T" */ /* want "field Q of T" */ Z, Q int
	hidden                                                   int
	/* want "field Inner of T has no doc comment" */ Inner struct {
		// Deep is documented.
		Deep int
		/* want "field Bare of T has no doc comment" */ Bare int
	}
	/* want "embedded field Embedded of T has no doc comment" */ Embedded
}

// Embedded is embedded in T.
type Embedded struct{}

func (T) Method() {} // want "method T.Method has no doc comment"

// Documented is documented.
func (T) Documented2() {}

func (t) Method() {}

type t struct{ Bare int }

// I is an interface.
type I interface {
	/* want "method Bare of interface I has no doc comment" */ Bare()
	// Doc is documented.
	Doc()
	/* want "embedded Embedded2 of interface I has no doc comment" */ Embedded2
	private()
}

// Embedded2 is embedded in I.
type Embedded2 interface {
	// M is documented.
	M()
}

// The group's doc does not cover two types.
type (
	/* want "type U has no doc comment" */ U int
	// S is documented.
	S int
)
