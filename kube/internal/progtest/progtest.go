// Package progtest helps test the example programs: their binary, their
// JSON log lines, their probes.
package progtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

// Build builds the program in the current directory and returns its path.
func Build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "prog")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Exit runs bin with args, and returns its exit code and what it wrote on
// both outputs.
func Exit(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG=")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("%s %q: %v", bin, args, err)
	return 0, ""
}

// ExpectExit runs bin with args (Exit) and reports the run if it does
// not end with code or its output does not hold says.
func ExpectExit(t *testing.T, bin string, code int, says string, args ...string) {
	t.Helper()
	got, out := Exit(t, bin, args...)
	if got != code || !strings.Contains(out, says) {
		t.Errorf("%s %q: exit %d, want %d, saying %q:\n%s", filepath.Base(bin), args, got, code, says, out)
	}
}

// WriteKubeconfig writes cfg, a client-certificate user, as a kubeconfig.
func WriteKubeconfig(t *testing.T, cfg *rest.Config) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["test"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "test"}
	kc.CurrentContext = "test"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// Lines parses logs as JSON lines, failing t on any line that is not a
// JSON object with a "ts" timestamp and a "msg".
func Lines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("a log line is not JSON: %q: %v", sc.Text(), err)
		}
		ts, _ := m["ts"].(string)
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Fatalf("a log line without a timestamp: %q", sc.Text())
		}
		if _, ok := m["msg"].(string); !ok {
			t.Fatalf("a log line without a message: %q", sc.Text())
		}
		lines = append(lines, m)
	}
	return lines
}

// Address waits for the JSON log line msg ("serving health probes") and
// returns its "address".
func Address(t *testing.T, logs *kubetest.SyncBuffer, msg string) string {
	t.Helper()
	var addr string
	kubetest.WaitFor(t, 10*time.Second, msg, func() bool {
		for _, l := range Lines(t, logs.String()) {
			if l["msg"] == msg {
				addr, _ = l["address"].(string)
				return true
			}
		}
		return false
	})
	return addr
}

// Get fetches url and returns the status code and body.
func Get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Process is a program started by Start.
type Process struct {
	cmd  *exec.Cmd
	done chan error
	// Stdout and Stderr are what it wrote so far.
	Stdout, Stderr kubetest.SyncBuffer
}

// Start starts bin with args and env added to the test's environment.
// The process is killed at the end of the test if still running.
func Start(t *testing.T, bin string, env []string, args ...string) *Process {
	t.Helper()
	p := &Process{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.Stdout, &p.Stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	return p
}

// Stop sends SIGTERM and returns the exit code, failing t if the process
// does not exit within 10 seconds.
func (p *Process) Stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(10 * time.Second):
		t.Fatalf("no exit 10s after SIGTERM; stderr:\n%s", p.Stderr.String())
		return -1
	}
}
