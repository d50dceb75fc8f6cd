// Package cni finds the node's CNI interface (Calico's tunl0, a VXLAN
// device, ...) among the host's links: the link holding an address inside
// one of the cluster's pod CIDRs. Its Machine keeps looking until one
// appears, reacts at once to link and address changes, and never gives up
// (incident 002: the route agent looked once, before calico-node had
// created tunl0, retried a dozen times and stopped).
//
// The package is pure: time comes in events, retries are effects that an
// adapter (cni/kernel) schedules.
package cni
