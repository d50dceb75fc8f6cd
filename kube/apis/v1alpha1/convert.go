package v1alpha1

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is one of this package's kinds.
type Object interface {
	*GlobalIP | *GatewayEndpoint // the kinds, as the pointers the converters fill
	// runtime.Object, which both implement through their generated
	// deep-copy methods.
	runtime.Object
}

// FromUnstructured converts an object of the dynamic client into out. A
// malformed object returns an error wrapping ErrMalformed and leaves out
// partly filled.
func FromUnstructured[T Object](u *unstructured.Unstructured, out T) error {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), out); err != nil {
		return fmt.Errorf("%w: %s %s/%s: %w", ErrMalformed, u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return nil
}

// ToUnstructured converts obj for the dynamic client, setting its kind and
// API version.
func ToUnstructured[T Object](obj T) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(SchemeGroupVersion.String())
	switch any(obj).(type) {
	case *GlobalIP:
		u.SetKind("GlobalIP")
	case *GatewayEndpoint:
		u.SetKind("GatewayEndpoint")
	}
	return u, nil
}
