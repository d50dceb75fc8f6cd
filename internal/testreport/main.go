// Command testreport turns the `go test -json` stream on standard input into
// a short report and an exit status that a pipeline can trust.
//
//	RAPID_CHECKS=1000 go test -race -json ./... | go run ./internal/testreport
//
// It prints one line per package, the full output of every failed test, and
// the name and message of every skipped test, then a closing count. It
// exits 1 if any test, package or build failed, if the stream is empty or
// garbled (go test itself crashed), or, when CI is true, if any test was
// skipped: in CI a skipped test is a test that never runs, so it fails.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	ok, err := report(os.Stdin, os.Stdout, ci)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}
