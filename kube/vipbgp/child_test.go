package vipbgp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/meshstate/meshstate/kube/vipbgp"
)

// childEnv names the file of a childSpec: set, the test binary is an
// announcer process (runAnnouncerChild), so that a test can kill one.
const childEnv = "VIPBGP_TEST_ANNOUNCER"

// childSpec is what an announcer process announces, to which peer.
type childSpec struct {
	Config      vipbgp.Config
	VIPs        []netip.Addr
	CommitAfter time.Duration
}

// runAnnouncerChild announces the VIPs of its spec, commits after the
// delay, and runs until SIGTERM (a planned stop) or SIGKILL.
func runAnnouncerChild() int {
	b, err := os.ReadFile(os.Getenv(childEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var spec childSpec
	if err := json.Unmarshal(b, &spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	a, err := vipbgp.New(spec.Config)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for _, vip := range spec.VIPs {
		if err := a.Announce(ctx, vip, []string{"default/svc"}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	go func() {
		time.Sleep(spec.CommitAfter)
		if err := a.Commit(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "Commit:", err)
		}
	}()
	if err := a.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "Run:", err)
		return 3
	}
	return 0
}

// startChild starts an announcer process for spec, in the test's network
// namespace; it is killed when the test ends.
func startChild(t testing.TB, spec childSpec) *exec.Cmd {
	t.Helper()
	dir := t.TempDir()
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+file)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil { // not waited for by the test
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}
