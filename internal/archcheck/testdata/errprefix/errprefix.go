// Package errprefix is a fixture for the error-prefix check.
package errprefix

import (
	"errors"
	stdfmt "fmt"
)

var (
	// ErrGood follows the convention.
	ErrGood = errors.New("errprefix: good")
	// ErrPath uses the path form, which ends in the package name.
	ErrPath = errors.New("testdata/errprefix: good")
	// ErrBad does not.
	ErrBad = errors.New("bad") // want "which does not start with"
	// ErrOther names another package.
	ErrOther = errors.New("ipam: bad") // want "ErrOther is"
	// ErrFormatted is made by fmt.Errorf under another name.
	ErrFormatted = stdfmt.Errorf("bad %d", 1) // want "ErrFormatted is"
	// ErrWrapped starts with a sentinel that has the prefix.
	ErrWrapped = stdfmt.Errorf("%w: more", ErrGood) // want "ErrWrapped is"
	errPrivate = errors.New("bad too")              // want "errPrivate is"
)

// ErrSingle is declared on its own.
var ErrSingle = errors.New("single") // want "ErrSingle is"

// NotAnError is a string.
var NotAnError = "bad"

// Use keeps errPrivate used.
var Use = errPrivate

func f() error { return errors.New("in a function: not a sentinel") }

var _ = f
