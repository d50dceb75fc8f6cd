package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
pkg: github.com/meshstate/meshstate/endpoint
BenchmarkStream/fresh/AppendStep-2         	       1	 412000000 ns/op	         2.10 x-baseline	         3.00 x-target	   1.90 allocs/op
BenchmarkStream/fresh/AppendStep-2         	       1	 398000000 ns/op	         2.45 x-baseline	         3.00 x-target	   1.90 allocs/op
BenchmarkFootprint-2                       	       1	 100 ns/op
pkg: github.com/meshstate/meshstate/routes
BenchmarkDiff100k-2   	      20	  51000000 ns/op	         2.30 x-baseline	         2.00 x-target	  12 allocs/op
ok  	github.com/meshstate/meshstate/routes	3.1s
`

// The table gives each ratio as min–max over the runs, a verdict against
// the target, and leaves out benchmarks without a ratio; the input is
// copied through unchanged.
func TestTable(t *testing.T) {
	var copied bytes.Buffer
	tab, failed, err := read(strings.NewReader(sample), &copied)
	if err != nil || failed {
		t.Fatalf("read: %v, failed %v", err, failed)
	}
	if copied.String() != sample {
		t.Errorf("input not copied through:\n%s", copied.String())
	}
	var out bytes.Buffer
	tab.print(&out)
	got := out.String()
	for _, want := range []string{
		"endpoint  BenchmarkStream/fresh/AppendStep  2.1–2.45    ≤ 3 ok",
		"routes    BenchmarkDiff100k                 2.3         ≤ 2 MISSED",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Footprint") {
		t.Errorf("a benchmark without a ratio is listed:\n%s", got)
	}
}

func TestFailedRun(t *testing.T) {
	_, failed, err := read(strings.NewReader("--- FAIL: BenchmarkX\nFAIL\n"), &bytes.Buffer{})
	if err != nil || !failed {
		t.Fatalf("failed %v, err %v", failed, err)
	}
	var out bytes.Buffer
	tab, _, _ := read(strings.NewReader("goos: linux\n"), &bytes.Buffer{})
	tab.print(&out)
	if out.Len() != 0 {
		t.Errorf("a table without ratios: %q", out.String())
	}
}
