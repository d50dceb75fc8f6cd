package endpointtest_test

import (
	"fmt"
	"maps"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

// tunnels is a handler of the kind a gateway engine has: one tunnel per
// remote cluster, to its active endpoint. A newer endpoint of a cluster
// replaces the tunnel; notifications may be delivered again, so each is
// idempotent.
type tunnels struct{ to map[string]string } // cluster ID to endpoint name

func (h *tunnels) RemoteEndpointCreated(ep *endpoint.Endpoint) error {
	h.to[ep.ClusterID] = ep.Name
	return nil
}

func (h *tunnels) RemoteEndpointUpdated(ep *endpoint.Endpoint) error {
	return h.RemoteEndpointCreated(ep)
}

func (h *tunnels) RemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	if h.to[ep.ClusterID] == ep.Name {
		delete(h.to, ep.ClusterID)
	}
	return nil
}

// tunnelsProperty: after every generated step, including restarts that
// hand the stream to a fresh handler, there is a tunnel to each remote
// cluster's active endpoint and to nothing else. (Want.Active also holds
// the local cluster's, which handlers hear of through LocalHandler.)
func tunnelsProperty() func(*rapid.T) {
	return endpointtest.HandlerProperty(endpointtest.GenConfig{LocalClusterID: "west"},
		func() endpoint.Handler { return &tunnels{to: map[string]string{}} },
		func(h endpoint.Handler, want endpointtest.Expectation) error {
			active := map[string]string{}
			for cluster, ep := range want.Active {
				if cluster != "west" { // the local cluster: no tunnel
					active[cluster] = ep.Name
				}
			}
			if got := h.(*tunnels).to; !maps.Equal(got, active) {
				return fmt.Errorf("tunnels %v, want %v", got, active)
			}
			return nil
		})
}

// Property-test a handler of your own over generated endpoint streams, in
// a test of your own:
//
//	func TestTunnels(t *testing.T) { rapid.Check(t, tunnelsProperty()) }
func ExampleHandlerProperty() {
	var test func(*testing.T) = rapid.MakeCheck(tunnelsProperty())
	_ = test
}

func TestTunnelsProperty(t *testing.T) { rapid.Check(t, tunnelsProperty()) }
