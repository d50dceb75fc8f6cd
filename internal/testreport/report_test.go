package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The testdata streams were recorded with `go test -json` (go1.26) from
// small packages that pass, fail, skip, panic, fail to build, exit in the
// middle of a test, and so on; each case feeds one or more of them.
func TestReport(t *testing.T) {
	for _, tc := range []struct {
		name    string
		streams []string // testdata/NAME.jsonl, concatenated
		extra   string   // appended raw
		ci      bool
		wantOK  bool
		want    []string // substrings of the report
		notWant []string
	}{
		{
			name: "pass", streams: []string{"pass"}, wantOK: true,
			want: []string{"ok   example.com/t2j/pass 0.003s\n", "\nPASS: 1 passed, 0 failed, 0 skipped\n"},
		},
		{
			name: "no test files", streams: []string{"notests"}, ci: true, wantOK: true,
			want: []string{"?    example.com/t2j/notests [no test files]"},
		},
		{
			name: "fail shows the failed test's output only", streams: []string{"fail"},
			want:    []string{"FAIL example.com/t2j/fail 0.003s", "f_test.go:6: before", "f_test.go:7: want 1, got 2", "--- FAIL: TestBad", "FAIL: 1 passed, 1 failed, 0 skipped"},
			notWant: []string{"=== RUN   TestGood"},
		},
		{
			name: "subtest failure, child before parent", streams: []string{"subfail"},
			want: []string{"s_test.go:7: sub b broke\n--- FAIL: TestParent/b (0.00s)\n=== RUN   TestParent\n--- FAIL: TestParent", "2 failed"},
		},
		{
			name: "skip outside CI", streams: []string{"skip"}, wantOK: true,
			want: []string{"ok   example.com/t2j/skip", "skip TestNeedsRoot s_test.go:5: needs root; run: sudo go test", "1 passed, 0 failed, 1 skipped"},
		},
		{
			name: "skip under CI=true fails", streams: []string{"skip"}, ci: true,
			want: []string{"FAIL example.com/t2j/skip", "skipped under CI=true: TestNeedsRoot s_test.go:5: needs root; run: sudo go test", "\nFAIL: 1 passed, 0 failed, 1 skipped\n"},
		},
		{
			name: "build failure", streams: []string{"pass", "buildfail"},
			want: []string{"ok   example.com/t2j/pass", "FAIL example.com/t2j/buildfail [build failed]", `b.go:3:23: cannot use "x"`},
		},
		{
			name: "missing dependency (setup failed)", streams: []string{"setupfail"},
			want: []string{"FAIL example.com/t2j/setupfail [build failed]", "no required module provides package example.com/t2j/missing"},
		},
		{
			name: "panic in test", streams: []string{"panic"},
			want: []string{"FAIL example.com/t2j/panic", "panic: assignment to entry in nil map", "p_test.go:7", "FAIL example.com/t2j/panic TestBoom"},
		},
		{
			name: "test binary exits mid-test", streams: []string{"exit"},
			want: []string{"e_test.go:8: leaving", "TestExit did not finish", "0 passed, 1 failed"},
		},
		{
			name: "stream cut off before the package result", streams: []string{"pass"},
			extra: `{"Action":"start","Package":"example.com/cut"}` + "\n" +
				`{"Action":"run","Package":"example.com/cut","Test":"TestLong"}` + "\n",
			want: []string{"FAIL example.com/cut [did not finish]", "TestLong did not finish"},
		},
		{
			name:  "build failure no package claims",
			extra: `{"ImportPath":"example.com/x","Action":"build-output","Output":"x.go:1: oops\n"}` + "\n" + `{"ImportPath":"example.com/x","Action":"build-fail"}` + "\n",
			want:  []string{"FAIL build example.com/x", "x.go:1: oops"},
		},
		{
			name: "empty stream", want: []string{"no test events"},
		},
		{
			name: "garbled stream", streams: []string{"pass"}, extra: "panic: go test crashed\n",
			want: []string{"unexpected line in the go test -json stream: panic: go test crashed"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in strings.Builder
			for _, s := range tc.streams {
				data, err := os.ReadFile(filepath.Join("testdata", s+".jsonl"))
				if err != nil {
					t.Fatal(err)
				}
				in.Write(data)
			}
			in.WriteString(tc.extra)
			var out strings.Builder
			ok, err := report(strings.NewReader(in.String()), &out, tc.ci)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.wantOK {
				t.Errorf("ok = %v, want %v", ok, tc.wantOK)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("report lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("report has %q", w)
				}
			}
			if t.Failed() {
				t.Logf("report:\n%s", out.String())
			}
		})
	}
}
