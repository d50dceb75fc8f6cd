// The markers below are controller-gen's (hack/crdgen.sh): the CRDs in
// kube/config/crd are generated from this package's types.
//
// +groupName=meshstate.io
// +versionName=v1alpha1

// Package v1alpha1 holds meshstate's own API types, in the group
// meshstate.io: GlobalIP, an object that holds global IP addresses for the
// ipam allocator, and GatewayEndpoint, a cluster's published gateway
// endpoint for the endpoint machine. Their CRDs, in the config package, are
// generated from these types and their comments by controller-gen
// (hack/crdgen.sh): a type's or field's doc comment is its description in
// `kubectl explain`.
//
// The types are plain structs with hand-written deep copies; adapters reach
// them through the dynamic client and convert with ToUnstructured and
// FromUnstructured, so no generated clientset is needed.
package v1alpha1
