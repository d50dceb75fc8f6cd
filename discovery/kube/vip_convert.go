package kube

import (
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/meshstate/meshstate/discovery"
)

// vipService converts a Service. Its VIPs are its status.loadBalancer
// ingress IPs, then spec.loadBalancerIP (the address asked of, or assigned
// by, an allocator such as kube-vip), without duplicates. Addresses that
// do not parse are left out and returned, to be logged: the rest of the
// Service still reaches the machine, which must not keep an older version.
func vipService(s *corev1.Service) (discovery.VIPService, []string) {
	out := discovery.VIPService{Namespace: s.Namespace, Name: s.Name, UID: string(s.UID),
		Type: discovery.ServiceType(s.Spec.Type), ExternalTrafficPolicy: discovery.ServiceTrafficPolicy(s.Spec.ExternalTrafficPolicy)}
	var bad []string
	add := func(ip string) {
		if ip == "" {
			return
		}
		a, err := netip.ParseAddr(ip)
		if err != nil || a.Zone() != "" {
			bad = append(bad, ip)
			return
		}
		a = a.Unmap() // the machine wants the IPv4 form of an IPv4-mapped address
		for _, v := range out.VIPs {
			if v == a {
				return
			}
		}
		out.VIPs = append(out.VIPs, a)
	}
	for _, in := range s.Status.LoadBalancer.Ingress {
		add(in.IP)
	}
	add(s.Spec.LoadBalancerIP)
	return out, bad
}

// vipSlice converts an EndpointSlice; ok is false if it carries no
// kubernetes.io/service-name label and so belongs to no Service.
func vipSlice(s *discoveryv1.EndpointSlice) (discovery.VIPSlice, bool) {
	svc := s.Labels[discoveryv1.LabelServiceName]
	out := discovery.VIPSlice{Namespace: s.Namespace, Name: s.Name, UID: string(s.UID), ServiceName: svc}
	if len(s.Endpoints) > 0 {
		out.Endpoints = make([]discovery.SliceEndpoint, len(s.Endpoints))
	}
	for i, e := range s.Endpoints {
		out.Endpoints[i].Conditions = discovery.SliceConditions{
			Ready: e.Conditions.Ready, Serving: e.Conditions.Serving, Terminating: e.Conditions.Terminating}
		if e.NodeName != nil {
			out.Endpoints[i].NodeName = *e.NodeName
		}
	}
	return out, svc != ""
}

// splitKey splits an informer key into namespace and name.
func splitKey(key string) (namespace, name string) {
	for i := range len(key) {
		if key[i] == '/' {
			return key[:i], key[i+1:]
		}
	}
	return "", key
}

func malformed(source string, obj any) error {
	return fmt.Errorf("%w: %s delivered a %T", ErrMalformed, source, obj)
}
