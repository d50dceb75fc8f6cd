package endpointkube_test

import (
	"context"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/kube/endpointkube"
)

// A route agent's endpoint source: GatewayEndpoints in the
// "submariner-operator" namespace, through the endpoint machine, to a
// handler. It needs a cluster, so it is compiled but not run.
func ExampleSource() {
	cfg, err := rest.InClusterConfig()
	if err != nil {
		return
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return
	}
	routes := endpoint.HandlerFuncs{
		RemoteCreated: func(ep *endpoint.Endpoint) error { return nil }, // install routes to ep.Subnets
		RemoteRemoved: func(ep *endpoint.Endpoint) error { return nil }, // remove them
	}
	src, err := endpointkube.New(endpointkube.Config{
		Client:    client,
		Namespace: "submariner-operator",
		Machine:   endpoint.Config{LocalClusterID: "west"},
		Handlers:  []endpoint.Handler{routes},
	})
	if err != nil {
		return
	}
	_ = src.Run(context.Background())
}
