package vipbgptest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/meshstate/meshstate/internal/testenv"
)

// RoleEnv is the environment variable that tells a re-executed test binary
// its role: "netns" for the tests in their namespace, "peer" for a Peer.
// Main reads it; a TestMain that runs children of its own must pass it on
// unchanged.
const RoleEnv = "MESHSTATE_VIPBGPTEST_ROLE"

const (
	roleNetns = "netns"
	rolePeer  = "peer"
)

// Main runs the tests of m and returns the exit code, for TestMain. As
// root, it runs them in a child process in a fresh network namespace and
// returns that child's exit code; as a Peer's child process, it serves the
// peer and never returns.
func Main(m *testing.M) int {
	switch os.Getenv(RoleEnv) {
	case rolePeer:
		os.Exit(runPeer())
	case roleNetns:
		if err := loUp(); err != nil {
			fmt.Fprintf(os.Stderr, "vipbgptest: %v\n", err)
			return 2
		}
		return m.Run()
	}
	if os.Geteuid() != 0 {
		return m.Run() // the tests that need root skip, or fail under CI
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "vipbgptest: %v\n", err)
		return 2
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), RoleEnv+"="+roleNetns)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "vipbgptest: running the tests in a network namespace: %v\n", err)
		return 2
	}
	return 0
}

// loUp brings up the loopback device of the fresh namespace.
func loUp() error {
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("lo: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return fmt.Errorf("lo up: %w", err)
	}
	return nil
}

// RequireRoot stops a test that needs the kit's network namespaces unless
// it runs as root, in the namespace Main made: outside CI it skips with
// the command that runs it, under CI=true it fails.
func RequireRoot(t testing.TB) {
	t.Helper()
	testenv.RequireRoot(t)
	if os.Getenv(RoleEnv) != roleNetns {
		t.Fatalf("vipbgptest: the test binary must call vipbgptest.Main from its TestMain, so that its tests run in a network namespace of their own")
	}
}
