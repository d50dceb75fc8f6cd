package kube_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// TestDeploymentArgs runs each controller with the args its Deployment in
// config/default gives it, and a kubeconfig that does not exist: the flags
// must all parse (exit 1, a runtime failure, not 2, a usage error), so the
// manifests cannot drift from the programs' flags. Pods do not run under
// envtest, so this is where the args are checked.
func TestDeploymentArgs(t *testing.T) {
	bin := t.TempDir()
	for _, name := range []string{"globalnet", "servicediscovery"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("config", "default", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var d *appsv1.Deployment
			for _, doc := range strings.Split(string(raw), "\n---") {
				var obj appsv1.Deployment
				if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
					t.Fatal(err)
				}
				if obj.Kind == "Deployment" {
					d = &obj
				}
			}
			if d == nil || len(d.Spec.Template.Spec.Containers) != 1 {
				t.Fatalf("config/default/%s.yaml: no Deployment with one container", name)
			}
			args := d.Spec.Template.Spec.Containers[0].Args
			if len(args) == 0 {
				t.Fatal("the Deployment passes no args")
			}
			exe := filepath.Join(bin, name)
			if out, err := exec.Command("go", "build", "-o", exe, "./examples/"+name).CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			// Port 0: the ports the Deployment names may be taken here.
			cmd := exec.Command(exe, append(args, "--kubeconfig="+filepath.Join(bin, "absent.kubeconfig"),
				"--metrics-bind-address=0", "--health-probe-bind-address=0")...)
			cmd.Env = append(os.Environ(), "KUBECONFIG=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err = cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("%s %q: %v, want exit 1 (no cluster), not a usage error:\n%s", name, args, err, stderr.String())
			}
		})
	}
}
