package health_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/health"
)

func TestEventJSONRoundTrip(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, ev := range []health.Event{
		health.Notified{Notification: endpoint.Effect{Kind: endpoint.RemoteEndpointUpdated,
			Endpoint: endpoint.Endpoint{Name: "a", ClusterID: "c", HealthCheckIP: netip.MustParseAddr("10.0.0.1")}}, At: at},
		health.ProbeResult{Endpoint: "a", Generation: 3, Seq: 9, Sent: at, Received: at.Add(time.Millisecond)},
		health.ProbeResult{Endpoint: "a", Generation: 3, Seq: 10, Sent: at, Lost: true},
		health.Tick{At: at},
	} {
		data, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := health.UnmarshalEvent(data)
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if d := cmp.Diff(ev, got, cmpopts.EquateComparable(netip.Addr{})); d != "" {
			t.Errorf("%s round trip (-want +got):\n%s", data, d)
		}
	}
}

func TestRejected(t *testing.T) {
	if _, err := health.New(health.Config{Window: 4, ErrorAfter: 5}); !errors.Is(err, health.ErrInvalidConfig) {
		t.Errorf("ErrorAfter > Window: %v", err)
	}
	m, _ := health.New(health.Config{})
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, ev := range []health.Event{
		nil,
		health.Notified{Notification: endpoint.Effect{Kind: 0, Endpoint: endpoint.Endpoint{Name: "a"}}},
		health.Notified{Notification: endpoint.Effect{Kind: endpoint.RemoteEndpointCreated}},
		health.ProbeResult{Endpoint: "a", Seq: 1, Sent: at, Received: at.Add(-1)},
		health.ProbeResult{Endpoint: "a", Seq: 1, Sent: at, Received: at, Lost: true},
		health.ProbeResult{Endpoint: "a", Seq: 1, Sent: at, Received: at.Add(2 * health.MaxRTT)},
	} {
		var rej *health.RejectedError
		if effects, err := m.Step(ev); !errors.As(err, &rej) || !errors.Is(err, health.ErrInvalidEvent) || effects != nil {
			t.Errorf("%#v: %v, %v", ev, effects, err)
		}
	}
	if _, err := m.AppendNotifications(nil, []endpoint.Effect{
		{Kind: endpoint.RemoteEndpointCreated, Endpoint: endpoint.Endpoint{Name: "a", HealthCheckIP: netip.MustParseAddr("10.0.0.1")}},
		{Kind: endpoint.RemoteEndpointCreated},
	}); err == nil || m.Len() != 0 {
		t.Errorf("a bad batch: %v, %d tracked", err, m.Len())
	}
}
