package vip_test

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/meshstate/meshstate/discovery/vip"
)

// The order of precedence among the annotation, status and
// spec.loadBalancerIP, after kube-vip's FetchServiceAddresses.
func TestServiceAddressesPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   vip.ServiceAddresses
		want string // comma-separated
		bad  int    // values skipped
	}{
		{"annotation only (kube-vip 534)", vip.ServiceAddresses{Annotated: true, Annotation: "192.0.2.1"}, "192.0.2.1", 0},
		{"dual-stack annotation, trimmed", vip.ServiceAddresses{Annotated: true, Annotation: " 192.0.2.1 ,2001:db8::1,"}, "192.0.2.1,2001:db8::1", 0},
		{"annotation masks status and spec", vip.ServiceAddresses{Annotated: true, Annotation: "192.0.2.1",
			LoadBalancerIP: "192.0.2.2", Ingress: []string{"192.0.2.3"}}, "192.0.2.1", 0},
		{"annotation repeats collapse", vip.ServiceAddresses{Annotated: true, Annotation: "192.0.2.1,192.0.2.1,::ffff:192.0.2.1"}, "192.0.2.1", 0},
		{"DHCP placeholder defers to status", vip.ServiceAddresses{Annotated: true, Annotation: "0.0.0.0",
			Ingress: []string{"192.0.2.3"}}, "192.0.2.3", 0},
		{"empty annotation defers to spec", vip.ServiceAddresses{Annotated: true, LoadBalancerIP: "192.0.2.2"}, "192.0.2.2", 0},
		{"malformed annotation skipped, status decides", vip.ServiceAddresses{Annotated: true, Annotation: "lb.example.com",
			Ingress: []string{"192.0.2.3"}}, "192.0.2.3", 1},
		{"malformed entry skipped, the rest kept", vip.ServiceAddresses{Annotated: true, Annotation: "x,192.0.2.1,fe80::1%eth0"}, "192.0.2.1", 2},
		{"status only", vip.ServiceAddresses{Ingress: []string{"192.0.2.3", "2001:db8::3"}}, "192.0.2.3,2001:db8::3", 0},
		{"spec only", vip.ServiceAddresses{LoadBalancerIP: "192.0.2.2"}, "192.0.2.2", 0},
		{"spec equal to status", vip.ServiceAddresses{LoadBalancerIP: "192.0.2.3", Ingress: []string{"192.0.2.3"}}, "192.0.2.3", 0},
		{"spec wins over a stale status of its family", vip.ServiceAddresses{LoadBalancerIP: "192.0.2.2",
			Ingress: []string{"192.0.2.3"}}, "192.0.2.2", 0},
		{"spec stands for its family only", vip.ServiceAddresses{LoadBalancerIP: "192.0.2.2",
			Ingress: []string{"192.0.2.3", "2001:db8::3"}}, "192.0.2.2,2001:db8::3", 0},
		{"spec of the other family adds", vip.ServiceAddresses{LoadBalancerIP: "2001:db8::2",
			Ingress: []string{"192.0.2.3"}}, "192.0.2.3,2001:db8::2", 0},
		{"malformed spec skipped", vip.ServiceAddresses{LoadBalancerIP: "nope", Ingress: []string{"192.0.2.3"}}, "192.0.2.3", 1},
		{"nothing", vip.ServiceAddresses{}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.VIPs()
			var want []netip.Addr
			for _, s := range splitNonEmpty(tc.want) {
				want = append(want, netip.MustParseAddr(s))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("VIPs() = %v, want %v", got, want)
			}
			var ae *vip.AddressError
			switch {
			case tc.bad == 0 && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.bad > 0 && (!errors.As(err, &ae) || !errors.Is(err, vip.ErrInvalidAddress) || len(ae.Problems) != tc.bad):
				t.Fatalf("error %v, want a *AddressError with %d problems", err, tc.bad)
			}
		})
	}
}

func splitNonEmpty(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// Whatever the values, VIPs never panics, and what it returns is a valid
// VIP list the machine accepts.
func FuzzServiceAddresses(f *testing.F) {
	f.Add("192.0.2.1, 2001:db8::1", "192.0.2.2", "192.0.2.3", true)
	f.Add("0.0.0.0", "", "2001:db8::3", true)
	f.Add(",,x,fe80::1%eth0,::ffff:1.2.3.4", "::", "999.1.1.1", false)
	f.Fuzz(func(t *testing.T, annotation, spec, ingress string, annotated bool) {
		in := vip.ServiceAddresses{Annotation: annotation, Annotated: annotated, LoadBalancerIP: spec, Ingress: []string{ingress}}
		vips, _ := in.VIPs()
		s := vip.Service{Namespace: "ns", Name: "svc", UID: "u", Type: vip.ServiceTypeLoadBalancer, VIPs: vips}
		if err := s.Validate(); err != nil {
			t.Fatalf("VIPs() = %v, which the machine refuses: %v", vips, err)
		}
	})
}

// An endpoint is on this node by its nodeName; only without one, by its
// hostname (kube-vip's fallback, with the precedence of kube-vip PR 1714).
func TestSliceEndpointOnNode(t *testing.T) {
	for _, tc := range []struct {
		nodeName, hostname string
		want               bool
	}{
		{"node-a", "", true},
		{"node-a", "node-b", true},
		{"node-b", "node-a", false},
		{"", "node-a", true},
		{"", "node-b", false},
		{"", "", false},
	} {
		e := vip.SliceEndpoint{NodeName: tc.nodeName, Hostname: tc.hostname}
		if got := e.OnNode("node-a"); got != tc.want {
			t.Errorf("nodeName %q hostname %q: OnNode = %v, want %v", tc.nodeName, tc.hostname, got, tc.want)
		}
	}
}

// A hostname the API would refuse is refused, typed, and changes nothing.
func TestVIPSliceBadHostname(t *testing.T) {
	m, err := vip.New(vip.Config{NodeName: "node-a"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Step(vip.SliceUpsert{Slice: vip.Slice{Namespace: "ns", Name: "s", UID: "u", ServiceName: "svc",
		Endpoints: []vip.SliceEndpoint{{Hostname: "Not_A.Label"}}}})
	var re *vip.RejectedError
	if !errors.Is(err, vip.ErrInvalidSlice) || !errors.As(err, &re) || re.Field != "endpoints[0].hostname" {
		t.Fatalf("got %v, want ErrInvalidSlice on endpoints[0].hostname", err)
	}
}

// Through the machine: a Local LoadBalancer Service whose only address is
// kube-vip's annotation, with a ready endpoint placed on this node by its
// hostname alone, is advertised (issue 14, item 3).
func TestVIPAnnotationOnlyThroughMachine(t *testing.T) {
	m, err := vip.New(vip.Config{NodeName: "node-a"})
	if err != nil {
		t.Fatal(err)
	}
	vips, err := vip.ServiceAddresses{Annotated: true, Annotation: "198.51.100.7"}.VIPs()
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	var effects []vip.Effect
	for _, ev := range []vip.Event{
		vip.ServicesSynced{}, vip.SlicesSynced{},
		vip.ServiceUpsert{Service: vip.Service{Namespace: "ns", Name: "web", UID: "u",
			Type: vip.ServiceTypeLoadBalancer, ExternalTrafficPolicy: vip.ServiceTrafficLocal, VIPs: vips}},
		vip.SliceUpsert{Slice: vip.Slice{Namespace: "ns", Name: "web-1", UID: "s", ServiceName: "web",
			Endpoints: []vip.SliceEndpoint{{Conditions: vip.SliceConditions{Ready: &yes}, Hostname: "node-a"}}}},
	} {
		out, err := m.Step(ev)
		if err != nil {
			t.Fatal(err)
		}
		effects = append(effects, out...)
	}
	if len(effects) != 1 || effects[0].Kind != vip.Advertise || effects[0].VIP != netip.MustParseAddr("198.51.100.7") {
		t.Fatalf("effects %v, want one Advertise of 198.51.100.7", effects)
	}
}
