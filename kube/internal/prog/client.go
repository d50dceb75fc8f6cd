package prog

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// RESTConfig returns the client configuration: from the kubeconfig file
// given (--kubeconfig), else from $KUBECONFIG (a list of files, as kubectl
// reads it), else the in-cluster configuration. source says which, for
// the log.
func RESTConfig(kubeconfig string) (cfg *rest.Config, source string, err error) {
	rules := &clientcmd.ClientConfigLoadingRules{}
	switch env := os.Getenv(clientcmd.RecommendedConfigPathEnvVar); {
	case kubeconfig != "":
		rules.ExplicitPath, source = kubeconfig, kubeconfig
	case env != "":
		rules.Precedence, source = filepath.SplitList(env), "$KUBECONFIG ("+env+")"
	default:
		cfg, err := rest.InClusterConfig()
		if err != nil {
			return nil, "", fmt.Errorf("no --kubeconfig nor $KUBECONFIG, and not in a cluster: %w", err)
		}
		return cfg, "in-cluster", nil
	}
	cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig %s: %w", source, err)
	}
	return cfg, source, nil
}
