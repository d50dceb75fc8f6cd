package mcskube_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/go-logr/logr/funcr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	mcsclient "sigs.k8s.io/mcs-api/pkg/client/clientset/versioned"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/mcskube"
)

// Wiring an export adapter to a cluster. (The MCS API's generated fake
// clientset cannot serve client-go v0.36's informers, so this example
// has no output to check.)
func ExampleAdapter() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := mcskube.New(mcskube.Config{
		Client:  kubernetes.NewForConfigOrDie(cfg),
		MCS:     mcsclient.NewForConfigOrDie(cfg),
		Machine: mcs.Config{ClusterID: "west"},
		Log:     funcr.New(func(prefix, args string) { fmt.Println(prefix, args) }, funcr.Options{}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := a.Run(ctx); err != nil {
		fmt.Println(err)
	}
}
