// Package helper looks harmless to the package that imports it, but runs
// programs: the dirty fixture must be caught depending on os/exec through it.
package helper

import "os/exec"

// Run runs name.
func Run(name string) error { return exec.Command(name).Run() }
