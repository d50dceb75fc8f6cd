package ipamkube

import "github.com/meshstate/meshstate/ipam"

// SetStepHook makes a see f called with every event the machine steps and
// the effects it returned, on the loop's goroutine; f must copy what it
// keeps. Set it before Run.
func SetStepHook(a *Adapter, f func(ipam.Event, []ipam.Effect)) { a.stepHook = f }
