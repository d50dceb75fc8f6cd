package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// table collects, per package and benchmark, every value of each metric.
type table struct {
	pkg   string
	order []string // keys in first-seen order
	rows  map[string]*row
}

type row struct {
	pkg, name string
	metrics   map[string][]float64
}

func newTable() *table { return &table{rows: map[string]*row{}} }

// add records one line of `go test -bench` output and reports whether it
// says a test or benchmark failed.
func (t *table) add(line string) (failed bool) {
	if p, ok := strings.CutPrefix(line, "pkg: "); ok {
		t.pkg = strings.TrimSpace(p)
		return false
	}
	if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "--- FAIL") {
		return true
	}
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return false
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return false // a benchmark's log line, not its result
	}
	name := trimProcs(f[0])
	key := t.pkg + " " + name
	r := t.rows[key]
	if r == nil {
		r = &row{pkg: t.pkg, name: name, metrics: map[string][]float64{}}
		t.rows[key] = r
		t.order = append(t.order, key)
	}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			continue
		}
		r.metrics[f[i+1]] = append(r.metrics[f[i+1]], v)
	}
	return false
}

// trimProcs drops the -GOMAXPROCS suffix go test adds to a name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// print writes the ratio table, or nothing if no benchmark reported one.
func (t *table) print(w io.Writer) {
	var keys []string
	for _, k := range t.order {
		if len(t.rows[k].metrics["x-baseline"]) > 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	fmt.Fprintln(w, "\nx-baseline: each path's cost ÷ its baseline's, measured in the same run (min–max over the runs)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "package\tbenchmark\tx-baseline\ttarget\tns/op\tallocs/op\t")
	for _, k := range keys {
		r := t.rows[k]
		ratios := r.metrics["x-baseline"]
		target, verdict := "", ""
		if ts := r.metrics["x-target"]; len(ts) > 0 {
			goal := ts[0]
			verdict = "ok"
			if slices.Max(ratios) > goal {
				verdict = "MISSED"
			}
			target = fmt.Sprintf("≤ %s %s", short(goal), verdict)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", strings.TrimPrefix(r.pkg, "github.com/meshstate/meshstate/"),
			r.name, span(ratios), target, span(r.metrics["ns/op"]), span(r.metrics["allocs/op"]))
	}
	tw.Flush()
}

// span writes values as one figure, or min–max when they differ.
func span(vs []float64) string {
	if len(vs) == 0 {
		return "-"
	}
	lo, hi := slices.Min(vs), slices.Max(vs)
	if lo == hi {
		return short(lo)
	}
	return short(lo) + "–" + short(hi)
}

// short writes v with three significant digits, or as an integer.
func short(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
