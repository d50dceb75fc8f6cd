package prog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/klog/v2"
)

func parse(t *testing.T, args ...string) (Options, error) {
	t.Helper()
	var o Options
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	o.Bind(fs)
	if err := Parse(fs, args, io.Discard); err != nil {
		return o, err
	}
	return o, o.Check(fs)
}

func TestFlags(t *testing.T) {
	for _, c := range []struct {
		args   []string
		secure bool
	}{
		{nil, false}, // 127.0.0.1:8080, plain
		{[]string{"--metrics-bind-address", "localhost:9090"}, false},
		{[]string{"--metrics-bind-address", "[::1]:9090"}, false},
		{[]string{"--metrics-bind-address", ":8443"}, true}, // every interface: secure by default
		{[]string{"--metrics-bind-address", "10.0.0.1:8443"}, true},
		{[]string{"--metrics-bind-address", "127.0.0.1:8443", "--metrics-secure"}, true},
		{[]string{"--metrics-bind-address", "0", "--metrics-secure=false"}, false}, // disabled
	} {
		o, err := parse(t, c.args...)
		if err != nil || o.MetricsSecure != c.secure {
			t.Errorf("%q: secure %v, %v; want %v", c.args, o.MetricsSecure, err, c.secure)
		}
	}
	o, err := parse(t)
	if err != nil || o.MetricsAddr != "127.0.0.1:8080" || o.ProbeAddr != ":8081" || o.LogFormat != "text" || o.Verbosity != 0 {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	for _, args := range [][]string{
		{"--metrics-bind-address", ":8443", "--metrics-secure=false"}, // open to anyone
		{"--metrics-bind-address", "nonsense"},
		{"--health-probe-bind-address", "localhost:http"},
		{"--log-format", "xml"},
		{"-v", "-1"},
		{"--no-such-flag"},
		{"stray"},
	} {
		if _, err := parse(t, args...); !errors.Is(err, ErrUsage) || ExitCode(err) != ExitUsage {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	for _, h := range []string{"-h", "--help"} {
		if _, err := parse(t, h); !errors.Is(err, flag.ErrHelp) || ExitCode(err) != ExitOK {
			t.Errorf("%s: %v, want flag.ErrHelp", h, err)
		}
	}
	if ExitCode(errors.New("boom")) != ExitFailure || ExitCode(nil) != ExitOK {
		t.Error("ExitCode")
	}
}

// JSON lines parse, and carry a timestamp; so do text lines. klog's lines
// come through the same sink once routed.
func TestLogs(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(&buf, "json", 1)
	log.Info("hello", "k", 1)
	log.V(1).Info("detail")
	log.V(2).Info("hidden")
	log.Error(errors.New("boom"), "failed")
	RouteKlog(log, 1)
	defer klog.ClearLogger()
	klog.InfoS("from klog", "x", "y")
	klog.V(1).InfoS("klog detail")
	klog.V(2).InfoS("klog hidden")
	klog.Background().Info("contextual")
	var msgs []string
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", sc.Text(), err)
		}
		ts, _ := m["ts"].(string)
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Errorf("line without a timestamp: %q", sc.Text())
		}
		msgs = append(msgs, m["msg"].(string))
	}
	want := []string{"hello", "detail", "failed", "from klog", "klog detail", "contextual"}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("messages %q, want %q", msgs, want)
	}

	buf.Reset()
	NewLogger(&buf, "text", 0).WithName("vips").Info("hello")
	if line := buf.String(); !strings.HasPrefix(line, `vips: "ts"="`) || !strings.Contains(line, `"msg"="hello"`) {
		t.Errorf("text line %q", line)
	}
}

// --kubeconfig, else $KUBECONFIG, else in-cluster.
func TestRESTConfig(t *testing.T) {
	write := func(server string) string {
		kc := clientcmdapi.NewConfig()
		kc.Clusters["c"] = &clientcmdapi.Cluster{Server: server}
		kc.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
		kc.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
		kc.CurrentContext = "c"
		path := filepath.Join(t.TempDir(), "kubeconfig")
		if err := clientcmd.WriteToFile(*kc, path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	env, flagged := write("https://env.example:6443"), write("https://flag.example:6443")
	t.Setenv("KUBECONFIG", env)
	if cfg, _, err := RESTConfig(""); err != nil || cfg.Host != "https://env.example:6443" {
		t.Errorf("$KUBECONFIG not honoured: %v, %v", cfg, err)
	}
	if cfg, _, err := RESTConfig(flagged); err != nil || cfg.Host != "https://flag.example:6443" {
		t.Errorf("--kubeconfig does not take precedence: %v, %v", cfg, err)
	}
	t.Setenv("KUBECONFIG", "")
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	if _, _, err := RESTConfig(""); err == nil || !strings.Contains(err.Error(), "in a cluster") {
		t.Errorf("neither flag nor $KUBECONFIG, out of a cluster: %v", err)
	}
	if _, _, err := RESTConfig(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing kubeconfig was accepted")
	}
}
