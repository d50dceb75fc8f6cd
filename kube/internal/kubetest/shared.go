package kubetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/internal/testenv"
)

// shared is the control plane of one test binary: starting one takes
// seconds, so the tests of a package share it, each in its own namespace.
var shared struct {
	once sync.Once
	env  *Env
	err  error
}

// Main is the TestMain of an adapter test package: it runs the tests and
// stops the shared control plane, if one was started.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.env != nil {
		if err := shared.env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "kubetest: stop:", err)
		}
	}
	return code
}

// Shared returns the test binary's control plane, starting it on first
// use. Without the binaries it skips t, or fails it under CI=true; any
// other start failure fails t.
func Shared(t testing.TB) *Env {
	t.Helper()
	shared.once.Do(func() { shared.env, shared.err = Start() })
	started(t, shared.err)
	return shared.env
}

// Own starts a control plane for t alone, stopped when t ends, for a test
// binary whose TestMain cannot be Main (vipbgp's runs its tests in a
// network namespace of their own). Without the binaries it skips t, or
// fails it under CI=true, as Shared does.
func Own(t testing.TB) *Env {
	t.Helper()
	env, err := Start()
	started(t, err)
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stopping the control plane: %v", err)
		}
	})
	return env
}

// started stops t if a control plane could not start: a skip (a failure
// under CI=true) without the binaries, a failure otherwise.
func started(t testing.TB, err error) {
	t.Helper()
	switch {
	case errors.Is(err, ErrNoAssets):
		testenv.SkipUnlessCI(t, err.Error(), "make kube-assets, then make test")
	case err != nil:
		t.Fatal(err)
	}
}

// Namespace creates a namespace for t. envtest runs no namespace
// controller, so it is left behind; its generated name keeps tests apart.
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	cs, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := cs.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "t-"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ns.Name
}
