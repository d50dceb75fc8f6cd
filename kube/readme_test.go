package kube_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/meshstate/meshstate/internal/testenv"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

// readmeBlock is one fenced sh block of README.md's "Run it" section.
type readmeBlock struct {
	line int    // README.md line of the opening fence
	text string // the commands, as written
}

// runItBlocks returns the sh blocks of README.md's "## Run it" section, in
// order.
func runItBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	f, err := os.Open("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks          []readmeBlock
		inSection, inSh bool
		cur             readmeBlock
		n               int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case inSh && line == "```":
			inSh = false
			blocks = append(blocks, cur)
		case inSh:
			cur.text += line + "\n"
		case line == "## Run it":
			inSection = true
		case inSection && strings.HasPrefix(line, "## "):
			inSection = false
		case inSection && line == "```sh":
			inSh, cur = true, readmeBlock{line: n}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// The section must still hold the steps this test is about; without
	// this, an emptied section would pass.
	all := ""
	for _, b := range blocks {
		all += b.text
	}
	for _, step := range []string{
		"kubectl apply -k config\n",
		"kubectl wait --for=condition=Established",
		"create token $sa",
		"go run ./examples/globalnet ",
		"go run ./examples/servicediscovery ",
		"kind: GlobalIP",
		"kind: ServiceExport",
		"wait globalip/web",
		"wait serviceimport/web.west",
	} {
		if !strings.Contains(all, step) {
			t.Errorf("README.md's Run it section no longer has %q", step)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return blocks
}

// goRun is a block that runs a controller from source, in a terminal of
// its own.
var goRun = regexp.MustCompile(`^go run \./examples/([a-z]+)( .*)?\n$`)

// TestReadmeRunIt follows README.md's "Run it" section literally: its sh
// blocks run, in order, in bash (-e -u -o pipefail) against a fresh envtest
// control plane with no CRDs installed, with kubectl from the asset
// directory (hack/kube-assets.sh), KUBECONFIG naming a cluster-admin, and
// the working directory holding a copy of config/ (as kube/ in a checkout
// does). One substitution: a block that is one `go run ./examples/NAME ARGS`
// line runs, in the background, as `exec BIN/NAME ARGS`, BIN/NAME built
// from ./examples/NAME first, and is stopped with SIGINT (Ctrl-C) once
// every block has run; it must exit 0. A block that fails, or whose
// kubectl warns (the Namespace warns on any Pod Security violation of the
// Deployments), fails the test. Between blocks the test checks what the
// README says they did: that the objects applied exist and are valid, and
// that the kubeconfigs written authenticate as the ServiceAccounts alone.
func TestReadmeRunIt(t *testing.T) {
	blocks := runItBlocks(t)
	assets := kubetest.AssetsDir()
	for _, bin := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			testenv.SkipUnlessCI(t, fmt.Sprintf("%s not in %s", bin, assets), "make kube-assets, then make test")
		}
	}

	// The controllers, built while the control plane starts.
	binDir := t.TempDir()
	var buildErr error
	var builds sync.WaitGroup
	builds.Go(func() {
		for _, name := range []string{"globalnet", "servicediscovery"} {
			out, err := exec.Command("go", "build", "-race", "-o", filepath.Join(binDir, name), "./examples/"+name).CombinedOutput()
			if err != nil {
				buildErr = errors.Join(buildErr, fmt.Errorf("go build ./examples/%s: %v\n%s", name, err, out))
			}
		}
	})

	ctrllog.SetLogger(logr.Discard())
	env := &envtest.Environment{
		BinaryAssetsDirectory:    assets,
		ControlPlaneStartTimeout: time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Error(err)
		}
	})
	admin, err := env.AddUser(envtest.User{Name: "readme-admin", Groups: []string{"system:masters"}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := admin.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir() // kubectl's cache, and the admin's kubeconfig
	if err := os.WriteFile(filepath.Join(home, "admin.kubeconfig"), kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir() // kube/ of a checkout, as far as the README uses it
	if err := os.CopyFS(filepath.Join(work, "config"), os.DirFS("config")); err != nil {
		t.Fatal(err)
	}
	shellEnv := append(os.Environ(),
		"KUBECONFIG="+filepath.Join(home, "admin.kubeconfig"),
		"PATH="+assets+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home,
	)
	builds.Wait()
	if buildErr != nil {
		t.Fatal(buildErr)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var controllers []*controller
	defer func() { // on a failure, stop them anyway
		for _, c := range controllers {
			c.stop(t)
		}
	}()
	var deployed, tokens bool
	for _, b := range blocks {
		t.Logf("README.md:%d:\n%s", b.line, b.text)
		if m := goRun.FindStringSubmatch(b.text); m != nil {
			controllers = append(controllers, startController(ctx, t, b, work, shellEnv,
				"exec "+filepath.Join(binDir, m[1])+m[2]))
			continue
		}
		if strings.Contains(b.text, "go run") {
			t.Fatalf("README.md:%d: only a block of one `go run ./examples/NAME ...` line is understood", b.line)
		}
		cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", b.text)
		cmd.Dir, cmd.Env = work, shellEnv
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		if err != nil {
			t.Fatalf("README.md:%d: %v", b.line, err)
		}
		if strings.Contains(stderr.String(), "Warning:") {
			t.Fatalf("README.md:%d: kubectl warned", b.line)
		}
		if strings.Contains(b.text, "kubectl apply -k config\n") {
			checkDeployed(ctx, t, cfg)
			deployed = true
		}
		if strings.Contains(b.text, "create token $sa") {
			checkServiceAccountKubeconfigs(ctx, t, work)
			tokens = true
		}
	}
	if !deployed || !tokens {
		t.Fatalf("the checks after kubectl apply -k config (%v) and after the token kubeconfigs (%v) did not all run", deployed, tokens)
	}
	if len(controllers) != 2 {
		t.Fatalf("README.md's Run it section starts %d controllers, want 2", len(controllers))
	}
	for _, c := range controllers {
		c.stop(t)
	}
}

// checkDeployed checks what `kubectl apply -k config` created, beyond the
// README's own kubectl wait and get.
func checkDeployed(ctx context.Context, t *testing.T, cfg *rest.Config) {
	t.Helper()
	xc := apiextensions.NewForConfigOrDie(cfg)
	for _, name := range []string{"globalips.meshstate.io", "gatewayendpoints.meshstate.io",
		"serviceexports.multicluster.x-k8s.io", "serviceimports.multicluster.x-k8s.io"} {
		crd, err := xc.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		established := slices.ContainsFunc(crd.Status.Conditions, func(c apiextensionsv1.CustomResourceDefinitionCondition) bool {
			return c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue
		})
		if !established {
			t.Errorf("CRD %s is not Established: %+v", name, crd.Status.Conditions)
		}
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	const ns = "meshstate-system"
	for sa, role := range map[string]string{"globalnet": "meshstate-ipam", "servicediscovery": "meshstate-discovery"} {
		if _, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, sa, metav1.GetOptions{}); err != nil {
			t.Error(err)
		}
		if _, err := cs.RbacV1().ClusterRoles().Get(ctx, role, metav1.GetOptions{}); err != nil {
			t.Error(err)
		}
		b, err := cs.RbacV1().ClusterRoleBindings().Get(ctx, "meshstate-"+sa, metav1.GetOptions{})
		if err != nil {
			t.Error(err)
		} else if b.RoleRef.Kind != "ClusterRole" || b.RoleRef.Name != role || len(b.Subjects) != 1 ||
			b.Subjects[0].Kind != "ServiceAccount" || b.Subjects[0].Name != sa || b.Subjects[0].Namespace != ns {
			t.Errorf("ClusterRoleBinding meshstate-%s binds %+v to %+v; want ServiceAccount %s/%s to ClusterRole %s",
				sa, b.Subjects, b.RoleRef, ns, sa, role)
		}
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, sa, metav1.GetOptions{})
		if err != nil {
			t.Error(err)
			continue
		}
		checkDeployment(t, d)
	}
}

// checkDeployment checks a Deployment the API server accepted against
// what config/default promises.
func checkDeployment(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	want := map[string]int32{"globalnet": 2, "servicediscovery": 1}[d.Name]
	if d.Spec.Replicas == nil || *d.Spec.Replicas != want {
		t.Errorf("Deployment %s: replicas %v, want %d", d.Name, d.Spec.Replicas, want)
	}
	pod := d.Spec.Template.Spec
	if pod.ServiceAccountName != d.Name {
		t.Errorf("Deployment %s runs as ServiceAccount %q", d.Name, pod.ServiceAccountName)
	}
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil ||
		psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("Deployment %s: pod securityContext %+v", d.Name, psc)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("Deployment %s has %d containers", d.Name, len(pod.Containers))
	}
	c := pod.Containers[0]
	if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("Deployment %s: container securityContext %+v", d.Name, sc)
	}
	for probe, path := range map[*corev1.Probe]string{c.LivenessProbe: "/healthz", c.ReadinessProbe: "/readyz"} {
		if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != path || probe.HTTPGet.Port.String() != "probes" {
			t.Errorf("Deployment %s: probe %+v, want GET %s on port probes", d.Name, probe, path)
		}
	}
	if len(c.Ports) != 1 || c.Ports[0].Name != "probes" || c.Ports[0].ContainerPort != 8081 {
		t.Errorf("Deployment %s: ports %+v, want probes on 8081", d.Name, c.Ports)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
		t.Errorf("Deployment %s: no resource requests", d.Name)
	}
	if c.Image != "ghcr.io/meshstate/"+d.Name+":dev" {
		t.Errorf("Deployment %s: image %q", d.Name, c.Image)
	}
	if d.Name == "globalnet" && !slices.Contains(c.Args, "--leader-elect=true") {
		t.Errorf("Deployment globalnet: args %q lack --leader-elect=true", c.Args)
	}
}

// checkServiceAccountKubeconfigs checks that each kubeconfig the README
// wrote holds one user, with a token and no client certificate, and that
// the API server takes it for the ServiceAccount.
func checkServiceAccountKubeconfigs(ctx context.Context, t *testing.T, work string) {
	t.Helper()
	for _, sa := range []string{"globalnet", "servicediscovery"} {
		path := filepath.Join(work, sa+".kubeconfig")
		kc, err := clientcmd.LoadFromFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(kc.AuthInfos) != 1 || kc.AuthInfos[sa] == nil || kc.AuthInfos[sa].Token == "" ||
			len(kc.AuthInfos[sa].ClientCertificateData) > 0 || kc.AuthInfos[sa].ClientCertificate != "" {
			t.Errorf("%s.kubeconfig: users %v, want only %s, with a token", sa, slices.Sorted(maps.Keys(kc.AuthInfos)), sa)
		}
		cfg, err := clientcmd.BuildConfigFromFlags("", path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := kubernetes.NewForConfigOrDie(cfg).AuthenticationV1().SelfSubjectReviews().Create(ctx,
			&authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if want := "system:serviceaccount:meshstate-system:" + sa; r.Status.UserInfo.Username != want {
			t.Errorf("%s.kubeconfig authenticates as %q, want %q", sa, r.Status.UserInfo.Username, want)
		}
	}
}

// controller is a controller the README runs in a terminal of its own.
type controller struct {
	block readmeBlock
	cmd   *exec.Cmd
	out   bytes.Buffer // stdout and stderr; written by exec's copier until done
	done  chan struct{}
	err   error
	once  sync.Once
}

func startController(ctx context.Context, t *testing.T, b readmeBlock, dir string, env []string, script string) *controller {
	t.Helper()
	c := &controller{block: b, done: make(chan struct{})}
	c.cmd = exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	c.cmd.Dir, c.cmd.Env = dir, env
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("README.md:%d: %v", b.line, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	return c
}

// stop is Ctrl-C in the controller's terminal: it must exit 0 within 30s.
func (c *controller) stop(t *testing.T) {
	t.Helper()
	c.once.Do(func() {
		select {
		case <-c.done:
			t.Errorf("README.md:%d: exited before Ctrl-C: %v", c.block.line, c.err)
		default:
			if err := c.cmd.Process.Signal(os.Interrupt); err != nil {
				t.Error(err)
			}
			select {
			case <-c.done:
				if c.err != nil {
					t.Errorf("README.md:%d: after Ctrl-C: %v", c.block.line, c.err)
				}
			case <-time.After(30 * time.Second):
				_ = c.cmd.Process.Kill()
				<-c.done
				t.Errorf("README.md:%d: still running 30s after Ctrl-C", c.block.line)
			}
		}
		t.Logf("README.md:%d: output:\n%s", c.block.line, c.out.String())
	})
}
