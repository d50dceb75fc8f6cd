// Package clean obeys archcheck.PureMachine while using every look-alike the
// checker must not mistake for a violation.
package clean

import (
	"fmt" // imports os underneath, which is allowed: os is banned directly only
	"time"
)

// Event carries its time as a value, as machines require.
type Event struct {
	At    time.Time
	Sleep time.Duration // a field, not time.Sleep
}

// Clock is an injected clock; its Now is a method, not time.Now.
type Clock interface{ Now() time.Time }

// Newer compares times with methods of time.Time.
func Newer(a, b Event) bool {
	return a.At.After(b.At)
}

// Shadow hides the import behind a local variable of type time.Time, so
// time.After below is the method, not the function.
func Shadow(at time.Time) bool {
	time := at
	return time.After(at)
}

// Param hides the import behind a parameter.
func Param(time interface{ Now() int }) int { return time.Now() }

// Describe uses fmt and the injected clock.
func Describe(c Clock, e Event) string {
	d := e.Sleep
	return fmt.Sprint(c.Now().Sub(e.At) + d)
}

// Comment mentions time.Now() and go func() in a comment and a string,
// which are not code: "time.Sleep(time.Second); go f()".
func Comment() string { return "time.Now(); go f()" }
