package vipkube

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/meshstate/meshstate/discovery/vip"
)

// vipService converts a Service. Its VIPs are chosen by
// vip.ServiceAddresses.VIPs from the first of annotations present on
// it, its status.loadBalancer ingress IPs and spec.loadBalancerIP. Values
// that are not usable addresses are left out and returned as a
// *vip.AddressError, to be logged: the rest of the Service still
// reaches the machine, which must not keep an older version.
func vipService(s *corev1.Service, annotations []string) (vip.Service, error) {
	out := vip.Service{Namespace: s.Namespace, Name: s.Name, UID: string(s.UID),
		Type: vip.ServiceType(s.Spec.Type), ExternalTrafficPolicy: vip.ServiceTrafficPolicy(s.Spec.ExternalTrafficPolicy)}
	src := vip.ServiceAddresses{LoadBalancerIP: s.Spec.LoadBalancerIP}
	// The first key in the configured order that is present decides, as
	// kube-vip reads its one key: present means set, even if empty.
	for _, k := range annotations {
		if v, ok := s.Annotations[k]; ok {
			src.Annotation, src.Annotated = v, true
			break
		}
	}
	for _, in := range s.Status.LoadBalancer.Ingress {
		if in.IP != "" {
			src.Ingress = append(src.Ingress, in.IP)
		}
	}
	var err error
	out.VIPs, err = src.VIPs()
	return out, err
}

// vipSlice converts an EndpointSlice; ok is false if it carries no
// kubernetes.io/service-name label and so belongs to no Service.
func vipSlice(s *discoveryv1.EndpointSlice) (vip.Slice, bool) {
	svc := s.Labels[discoveryv1.LabelServiceName]
	out := vip.Slice{Namespace: s.Namespace, Name: s.Name, UID: string(s.UID), ServiceName: svc}
	if len(s.Endpoints) > 0 {
		out.Endpoints = make([]vip.SliceEndpoint, len(s.Endpoints))
	}
	for i, e := range s.Endpoints {
		out.Endpoints[i].Conditions = vip.SliceConditions{
			Ready: e.Conditions.Ready, Serving: e.Conditions.Serving, Terminating: e.Conditions.Terminating}
		if e.NodeName != nil {
			out.Endpoints[i].NodeName = *e.NodeName
		}
		if e.Hostname != nil {
			// The machine falls back to it when nodeName is missing.
			out.Endpoints[i].Hostname = *e.Hostname
		}
	}
	return out, svc != ""
}
