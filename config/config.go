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

// CRDs returns the CRD manifests of the meshstate.io group, one YAML
// document per file.
func CRDs() fs.FS {
	sub, err := fs.Sub(crds, "crd")
	if err != nil { // unreachable: the directory is embedded
		return crds
	}
	return sub
}
