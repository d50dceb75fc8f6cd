// Command benchtable copies `go test -bench` output through and, at the
// end, prints a table of the benchmarks that report an x-baseline metric:
// the path's cost as a multiple of its baseline measured in the same run,
// which is the figure meshstate's performance targets are set in (absolute
// nanoseconds differ between machines, a ratio measured side by side does
// not). With -count N each row gives the min–max over the N runs. A
// benchmark that also reports x-target (its target ratio) gets a verdict.
//
//	go test -run '^$' -bench . -benchmem -count 5 ./... | go run ./internal/benchtable
//
// It exits 1 if the input holds a FAIL line, so that `make bench` fails
// when a benchmark does.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

func main() {
	t, failed, err := read(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	t.print(os.Stdout)
	if failed {
		os.Exit(1)
	}
}

// read copies r to w line by line and collects the benchmark results.
func read(r io.Reader, w io.Writer) (*table, bool, error) {
	t := newTable()
	failed := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(w, line)
		if t.add(line) {
			failed = true
		}
	}
	return t, failed, sc.Err()
}
