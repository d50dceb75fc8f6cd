package main

import (
	"fmt"
	"slices"
	"strings"
)

// finishPackage prints a package's line and the details that matter: the
// build output that broke it, the output of each failed or unfinished test,
// and each skipped test's message. ev is the package's final event, or the
// zero event if the stream ended before it.
func (r *reporter) finishPackage(name string, p *pkgRun, ev event) {
	if p.done {
		return
	}
	p.done = true
	failed := ev.Action != actPass && ev.Action != actSkip
	problems := len(r.problems)
	var body strings.Builder
	var skips []string
	for _, tn := range slices.Concat(p.order, unfinished(p)) {
		t := p.tests[tn]
		switch t.result {
		case actPass:
			r.passed++
		case actFail:
			r.failed++
			failed = true
			r.problems = append(r.problems, fmt.Sprintf("FAIL %s %s", name, tn))
			body.WriteString(t.output.String())
		case "":
			// The binary exited (os.Exit, a timeout, a crash in another
			// goroutine) while this test ran; go test reports only the package.
			r.failed++
			failed = true
			r.problems = append(r.problems, fmt.Sprintf("FAIL %s %s (did not finish)", name, tn))
			body.WriteString(t.output.String())
			fmt.Fprintf(&body, "    testreport: %s did not finish: the test binary exited while it ran\n", tn)
		case actSkip:
			r.skipped++
			skips = append(skips, tn+" "+skipMessage(t.output.String()))
		}
	}
	for _, s := range skips {
		if r.ci {
			failed = true
			r.problems = append(r.problems, fmt.Sprintf("FAIL %s: skipped under CI=true: %s", name, s))
			fmt.Fprintf(&body, "    skipped under CI=true: %s\n", s)
		} else {
			fmt.Fprintf(&body, "    skip %s\n", s)
		}
	}
	if b, ok := r.builds[ev.FailedBuild]; ev.FailedBuild != "" && ok {
		b.shown = true
		body.WriteString(b.output.String())
	}
	if failed {
		body.WriteString(packageOutput(p.output.String()))
	}
	r.printHeader(name, ev, failed)
	fmt.Fprint(r.w, body.String())
	if failed && len(r.problems) == problems {
		r.problems = append(r.problems, "FAIL "+name)
	}
}

func (r *reporter) printHeader(name string, ev event, failed bool) {
	status, note := "ok", fmt.Sprintf("%.3fs", ev.Elapsed)
	switch {
	case ev.Action == "":
		status, note = "FAIL", "[did not finish]"
	case ev.FailedBuild != "":
		status, note = "FAIL", "[build failed]"
	case ev.Action == actSkip:
		status, note = "?", "[no test files]"
	case failed:
		status = "FAIL"
	}
	fmt.Fprintf(r.w, "%-4s %s %s\n", status, name, note)
}

// unfinished lists, sorted, the tests of p that started but have no result.
func unfinished(p *pkgRun) []string {
	var out []string
	for name, t := range p.tests {
		if t.result == "" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// skipMessage extracts what a skipped test said, dropping the framework's
// own lines (=== RUN, --- SKIP, ...).
func skipMessage(output string) string {
	var parts []string
	for _, l := range strings.Split(output, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return "(no message)"
	}
	return strings.Join(parts, " | ")
}

// packageOutput returns the package-level output without go test's status
// lines ("PASS", "FAIL", "ok  \tpkg", "FAIL\tpkg"), which the header
// repeats, leaving what explains a failure outside any test: a TestMain
// error, a timeout panic, a leaked goroutine report.
func packageOutput(output string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(output, "\n") {
		switch {
		case l == "", l == "PASS\n", l == "FAIL\n",
			strings.HasPrefix(l, "ok  \t"), strings.HasPrefix(l, "FAIL\t"), strings.HasPrefix(l, "?   \t"):
			continue
		}
		b.WriteString(l)
	}
	return b.String()
}
