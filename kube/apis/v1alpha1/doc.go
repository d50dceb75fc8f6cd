// Package v1alpha1 holds meshstate's own API types, in the group
// meshstate.io: GlobalIP, an object that holds global IP addresses for the
// ipam allocator, and GatewayEndpoint, a cluster's published gateway
// endpoint for the endpoint machine. Their CRDs are in the config package.
//
// The types are plain structs with hand-written deep copies; adapters reach
// them through the dynamic client and convert with ToUnstructured and
// FromUnstructured, so no generated clientset is needed.
package v1alpha1
