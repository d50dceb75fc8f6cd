// Package config holds meshstate's deployable manifests: the CRDs of its
// own API group (crd/) and the least-privilege ClusterRoles of its
// Kubernetes adapters (rbac/). They are embedded, so tests and installers
// read them from the module itself.
package config

import (
	"embed"
	"io/fs"
)

//go:embed crd/*.yaml
var crds embed.FS

//go:embed rbac/*.yaml
var rbac embed.FS

// CRDs returns the CRD manifests of the meshstate.io group, one YAML
// document per file.
func CRDs() fs.FS { return sub(crds, "crd") }

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
