// Package kubetest runs a real kube-apiserver and etcd for the Kubernetes
// adapter tests, through controller-runtime's envtest, with the
// meshstate.io and Multi-Cluster Services CRDs installed.
//
// The binaries come from hack/kube-assets.sh (`make kube-assets`), which
// builds them from the Go module proxy into a cache outside the repository.
// When they are missing, Shared skips the test with a message naming that
// target, except under CI=true, where it fails it: CI never skips.
//
// It also holds what the adapter tests share: users bound to one
// ClusterRole of config/rbac (Env.UserWithRole), clients that count their
// requests (Clients, RequestKey) or fail them on cue (FaultRT), the leak
// check (NoLeaks), waits (WaitFor), an adapter's Run in a goroutine (Go,
// Running), traces (SyncBuffer, Traced), and the check that a Forbidden
// list is reported, not looped (CheckForbiddenList).
package kubetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	mcscrd "sigs.k8s.io/mcs-api/config/crd"

	"github.com/meshstate/meshstate/kube/config"
)

// Versions of the control plane hack/kube-assets.sh builds; the asset
// directory is named after them.
const (
	KubeVersion = "v1.36.3"
	EtcdVersion = "v3.5.21"
)

// ErrNoAssets: the kube-apiserver or etcd binary is missing.
var ErrNoAssets = errors.New("kubetest: control-plane binaries missing; run `make kube-assets`")

// AssetsDir is where hack/kube-assets.sh puts the binaries:
// $MESHSTATE_KUBE_ASSETS, or the user cache directory.
func AssetsDir() string {
	if d := os.Getenv("MESHSTATE_KUBE_ASSETS"); d != "" {
		return d
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = filepath.Join(os.TempDir(), "cache")
	}
	return filepath.Join(cache, "meshstate", "kube-assets", "k8s-"+KubeVersion+"-etcd-"+EtcdVersion)
}

// ServiceCIDR is the test API server's ClusterIP range.
const ServiceCIDR = "10.96.0.0/16"

// Env is a running control plane.
type Env struct {
	env *envtest.Environment
	// Config is an administrator's client configuration.
	Config *rest.Config
}

// Start starts kube-apiserver and etcd from AssetsDir and installs the
// CRDs, waiting until they are served.
func Start() (*Env, error) {
	dir := AssetsDir()
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return nil, fmt.Errorf("%w (%s not in %s)", ErrNoAssets, bin, dir)
		}
	}
	// envtest logs through controller-runtime's logger, which complains
	// with a stack trace when none is set.
	ctrllog.SetLogger(logr.Discard())
	crds, err := CRDs()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory:    dir,
		CRDs:                     crds,
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	// envtest's default Service range, a /24, holds fewer ClusterIP
	// Services than the adapters' tests create.
	env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", ServiceCIDR)
	// Without an advertise address, kube-apiserver takes the address of
	// the default route's interface, and refuses to start where there is
	// none: in a network namespace with only lo, as vipbgp's tests run in.
	// The control plane listens on loopback anyway.
	env.ControlPlane.GetAPIServer().Configure().Set("advertise-address", "127.0.0.1")
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("kubetest: start control plane from %s: %w", dir, err)
	}
	// The adapters' tests create thousands of objects quickly.
	cfg.QPS, cfg.Burst = 5000, 10000
	return &Env{env: env, Config: cfg}, nil
}

// Stop stops the control plane and removes its data.
func (e *Env) Stop() error { return e.env.Stop() }

// AddUser returns the client configuration of a new user in groups,
// authenticated by a client certificate, with no permissions beyond what
// RBAC bindings give it.
func (e *Env) AddUser(name string, groups ...string) (*rest.Config, error) {
	u, err := e.env.AddUser(envtest.User{Name: name, Groups: groups}, e.Config)
	if err != nil {
		return nil, fmt.Errorf("kubetest: add user %s: %w", name, err)
	}
	cfg := u.Config()
	cfg.QPS, cfg.Burst = e.Config.QPS, e.Config.Burst
	return cfg, nil
}

// CRDs returns the meshstate.io CRDs and the MCS API's ServiceExport and
// ServiceImport CRDs.
func CRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	var docs [][]byte
	err := fs.WalkDir(config.CRDs(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(config.CRDs(), path)
		docs = append(docs, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	docs = append(docs, mcscrd.ServiceExportCRD, mcscrd.ServiceImportCRD)
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, doc := range docs {
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(doc), 4096)
		for {
			crd := new(apiextensionsv1.CustomResourceDefinition)
			if err := dec.Decode(crd); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("kubetest: decode CRD: %w", err)
			}
			if crd.Name != "" {
				out = append(out, crd)
			}
		}
	}
	return out, nil
}
