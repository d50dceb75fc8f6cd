package endpointtest_test

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

// Once synced, a cluster with at least one endpoint has exactly one
// announced endpoint, whatever the history, and it is the one a restarted
// machine announces. RAPID_CHECKS raises the number of streams.
func TestPropertyServed(t *testing.T) {
	for _, cfg := range []endpointtest.GenConfig{
		{Clusters: 1},
		{Clusters: 2, LocalClusterID: "local", Invalid: true},
	} {
		t.Run(fmt.Sprintf("clusters=%d/local=%q", cfg.Clusters, cfg.LocalClusterID), func(t *testing.T) {
			rapid.Check(t, endpointtest.ServedProperty(cfg))
		})
	}
}
