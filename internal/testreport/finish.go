package main

import "fmt"

// finish reports what the stream left unfinished, prints the closing line
// and decides the run. The closing line, "PASS: N passed, N failed, N
// skipped" (or FAIL:), is the last one printed and has the plain form that
// CI log readers recognise.
func (r *reporter) finish() bool {
	if r.events == 0 {
		r.problem("testreport: no test events on standard input: go test did not run (see its errors above)")
	}
	// A package without a final event: go test was killed or crashed.
	for _, name := range r.pkgOrder {
		if p := r.pkgs[name]; !p.done {
			r.finishPackage(name, p, event{})
		}
	}
	// A build failure no package claimed would otherwise go unseen.
	for _, id := range r.buildIDs {
		if b := r.builds[id]; b.failed && !b.shown {
			fmt.Fprintf(r.w, "FAIL build %s\n%s", id, b.output.String())
			r.problems = append(r.problems, "FAIL build "+id)
		}
	}
	if len(r.problems) > 0 {
		fmt.Fprintln(r.w, "\nFailures:")
		for _, p := range r.problems {
			fmt.Fprintln(r.w, "  "+p)
		}
	}
	ok := len(r.problems) == 0
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Fprintf(r.w, "\n%s: %d passed, %d failed, %d skipped\n", verdict, r.passed, r.failed, r.skipped)
	return ok
}
