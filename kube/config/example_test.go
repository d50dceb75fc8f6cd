package config_test

import (
	"fmt"
	"io/fs"

	"github.com/meshstate/meshstate/kube/config"
)

// The manifests ship inside the module: an installer or a test reads them
// from there instead of from a checkout.
func Example() {
	for _, dir := range []fs.FS{config.CRDs(), config.MCSCRDs(), config.RBAC()} {
		names, err := fs.Glob(dir, "*.yaml")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(names)
	}
	// Output:
	// [meshstate.io_gatewayendpoints.yaml meshstate.io_globalips.yaml]
	// [multicluster.x-k8s.io_serviceexports.yaml multicluster.x-k8s.io_serviceimports.yaml]
	// [discovery.yaml endpoint.yaml ipam.yaml]
}
