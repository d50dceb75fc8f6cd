package main

import (
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMain runs the program's main instead of the tests when
// runMainEnv is set, so that a test can run the real command, exit code
// and all, as a child process of the test binary.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

const runMainEnv = "INCIDENTS_TEST_RUN_MAIN"

// runMain runs main with args in a child process and returns its exit
// code, stdout and stderr.
func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("running %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

func TestEveryIncidentPasses(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
	for _, inc := range incidents {
		if !strings.Contains(out.String(), "verdict "+inc.id+": PASS") {
			t.Errorf("no passing verdict for incident %s:\n%s", inc.id, out.String())
		}
	}
	if !strings.Contains(out.String(), "5 of 5 incidents pass") {
		t.Errorf("no summary line:\n%s", out.String())
	}
}

// tableRow matches a row of the verdict table: ID, verdict and title, then
// the field logic's outcome on the next line.
var tableRow = regexp.MustCompile(`(?m)^(\d{3})  +(PASS|FAIL)  +(\S.*)\n +field logic: (\S.*)$`)

// The header and the verdict table, one row per incident in order, come
// before any incident's detail.
func TestTableFirst(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	text := out.String()
	firstDetail := strings.Index(text, "== incident ")
	if firstDetail < 0 {
		t.Fatalf("no incident detail:\n%s", text)
	}
	head := text[:firstDetail]
	for _, want := range []string{"re-implementation", "not Submariner's or\nkube-vip's actual code", "ID   VERDICT  INCIDENT\n"} {
		if !strings.Contains(head, want) {
			t.Errorf("the output before the first incident lacks %q:\n%s", want, head)
		}
	}
	rows := tableRow.FindAllStringSubmatch(head, -1)
	if len(rows) != len(incidents) {
		t.Fatalf("%d table rows before the detail, want %d:\n%s", len(rows), len(incidents), head)
	}
	for i, r := range rows {
		if r[1] != incidents[i].id || r[2] != "PASS" || r[4] == "(not run)" {
			t.Errorf("row %d = %q, want incident %s passing, with its title and field logic", i, r[0], incidents[i].id)
		}
	}
	// The field logic column says what the re-implemented bug did.
	if !strings.Contains(head, "released 3 live global IPs") || !strings.Contains(head, "deleted 3 valid imports") {
		t.Errorf("the table's field logic lines lack the field outcomes:\n%s", head)
	}
	// Every incident's detail follows, in order.
	prev := firstDetail
	for _, inc := range incidents[1:] {
		at := strings.Index(text, "== incident "+inc.id)
		if at <= prev {
			t.Errorf("incident %s's detail is missing or out of order", inc.id)
		}
		prev = at
	}
}

func TestOneIncident(t *testing.T) {
	var out, errOut strings.Builder
	if code := run([]string{"-incident", "003"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
	rows := tableRow.FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 1 || rows[0][1] != "003" || strings.Contains(out.String(), "== incident 002") {
		t.Errorf("-incident 003 replayed %d rows (%q), want incident 003 alone:\n%s", len(rows), rows, out.String())
	}
}

func TestUnknownIncident(t *testing.T) {
	var out, errOut strings.Builder
	if code := run([]string{"-incident", "999"}, &out, &errOut); code != 2 {
		t.Fatalf("exit %d for an unknown incident", code)
	}
}

// longDecimal matches a duration printed with more than three decimals,
// such as a jittered delay to the nanosecond.
var longDecimal = regexp.MustCompile(`\d+\.\d{4,}(?:ns|µs|us|ms|s)\b`)

// The jittered RetryAfter delays of incidents 002 and 003 print rounded.
func TestDurationsRounded(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if m := longDecimal.FindAllString(out.String(), -1); len(m) > 0 {
		t.Errorf("durations printed unrounded: %q", m)
	}
	// The scenarios' delays are deterministic; these are two of them, as
	// the machines emit them (904.031995ms, 4.288803506s), rounded.
	for _, want := range []string{"RetryAfter default/gip-nginx Lookup 904ms", "RetryAfter 4.29s (attempt 1)", "Lookup 4m54s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestRoundDuration(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"904.031995ms", "904ms"},
		{"4.288803506s", "4.29s"},
		{"32.547602073s", "32.5s"},
		{"4m54.064048901s", "4m54s"},
		{"999.7ms", "1s"},
		{"1.5µs", "1.5µs"},
		{"12ns", "12ns"},
	} {
		d, err := time.ParseDuration(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := roundDuration(d).String(); got != tc.want {
			t.Errorf("roundDuration(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	in := "RetryAfter 4.288803506s; tunl0 10.244.3.1/32 via 10.2.0.7, gave up 2m9s after start; x1.2"
	want := "RetryAfter 4.29s; tunl0 10.244.3.1/32 via 10.2.0.7, gave up 2m9s after start; x1.2"
	if got := displayDurations(in); got != want {
		t.Errorf("displayDurations:\n got %s\nwant %s", got, want)
	}
}

// -h lists the program's flag and none of the -rapid.* flags that rapid
// registers on the global FlagSet, and exits 0; the real main runs, in a
// child process.
func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		code, stdout, stderr := runMain(t, arg)
		if code != 0 {
			t.Errorf("%s: exit %d, want 0:\n%s", arg, code, stderr)
		}
		if !strings.Contains(stderr, "-incident ID") || strings.Contains(stderr, "rapid") {
			t.Errorf("%s: usage should list -incident and no rapid flag:\n%s", arg, stderr)
		}
		if stdout != "" {
			t.Errorf("%s: replayed incidents instead of only printing usage:\n%s", arg, stdout)
		}
	}
}

// A rapid flag is not the program's: it is refused as any unknown flag,
// while rapid keeps its flags on the global FlagSet, where the test
// binary parses them (go test ./examples/incidents -rapid.checks=10).
func TestRapidFlagsStayWithTests(t *testing.T) {
	if flag.Lookup("rapid.checks") == nil {
		t.Fatal("rapid's flags are no longer registered on the global FlagSet")
	}
	code, stdout, stderr := runMain(t, "-rapid.checks=10")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "flag provided but not defined: -rapid.checks") {
		t.Errorf("-rapid.checks=10: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	code, _, stderr = runMain(t, "extra")
	if code != 2 || !strings.Contains(stderr, "unexpected arguments") {
		t.Errorf("a positional argument: exit %d, stderr:\n%s", code, stderr)
	}
}

// The real main exits 0 when every verdict passes.
func TestMainExitCode(t *testing.T) {
	code, stdout, stderr := runMain(t, "-incident", "000")
	if code != 0 || !strings.Contains(stdout, "verdict 000: PASS") {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
}
