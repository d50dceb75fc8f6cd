// Package config holds meshstate's deployable manifests: the CRDs of its
// own API group (crd/), the Multi-Cluster Services CRDs the discovery
// controller needs (mcs/, vendored from sigs.k8s.io/mcs-api at the version
// go.mod requires), and the least-privilege ClusterRoles of its Kubernetes
// adapters (rbac/). They are embedded, so tests and installers read them
// from the module itself.
//
// The directory is also a kustomization: kustomization.yaml here installs
// the CRDs and ClusterRoles (kubectl apply -k config), and default/ adds
// the meshstate-system Namespace, the controllers' ServiceAccounts,
// ClusterRoleBindings and Deployments (kubectl apply -k config/default).
package config

import (
	"embed"
	"io/fs"
)

//go:embed crd/*.yaml
var crds embed.FS

//go:embed rbac/*.yaml
var rbac embed.FS

//go:embed mcs/*.yaml
var mcs embed.FS

// CRDs returns the CRD manifests of the meshstate.io group, one YAML
// document per file.
func CRDs() fs.FS { return sub(crds, "crd") }

// MCSCRDs returns the ServiceExport and ServiceImport CRDs of
// multicluster.x-k8s.io, as sigs.k8s.io/mcs-api publishes them at the
// version go.mod requires, under a header naming that version.
func MCSCRDs() fs.FS { return sub(mcs, "mcs") }

// RBAC returns the adapters' ClusterRoles: endpoint.yaml (endpointkube),
// ipam.yaml (ipamkube) and discovery.yaml (vipkube and mcskube, one role
// for both discovery adapters).
func RBAC() fs.FS { return sub(rbac, "rbac") }

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil { // unreachable: the directory is embedded
		return f
	}
	return s
}
