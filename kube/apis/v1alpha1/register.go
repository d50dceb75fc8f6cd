package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group is the API group of meshstate's own resources.
const Group = "meshstate.io"

// Version is this package's API version.
const Version = "v1alpha1"

// The resources, for the dynamic client and RBAC rules.
var (
	GlobalIPResource        = schema.GroupVersionResource{Group: Group, Version: Version, Resource: "globalips"}
	GatewayEndpointResource = schema.GroupVersionResource{Group: Group, Version: Version, Resource: "gatewayendpoints"}
)

// SchemeGroupVersion is the group and version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: Group, Version: Version}

// AddToScheme registers the kinds with a scheme, for clients that want them
// typed.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &GlobalIP{}, &GlobalIPList{}, &GatewayEndpoint{}, &GatewayEndpointList{})
	metav1.AddToGroupVersion(s, SchemeGroupVersion)
	return nil
}
