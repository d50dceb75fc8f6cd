package lookup_test

import (
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/meshstate/meshstate/lookup"
)

// Incident 003: the global-IP controller looks up its internal Service on
// restart. Only a confirmed absence may release the global IP; an API
// server that is restarting too says nothing about the Service.
func ExampleClassify() {
	svc := schema.GroupResource{Resource: "services"}
	for _, err := range []error{
		nil,
		fmt.Errorf("get service globalip-x: %w", apierrors.NewNotFound(svc, "globalip-x")),
		fmt.Errorf("get service globalip-x: %w", apierrors.NewServiceUnavailable("apiserver is shutting down")),
		apierrors.NewForbidden(svc, "globalip-x", errors.New("RBAC: access denied")),
		errors.New("something nobody anticipated"),
	} {
		switch c := lookup.Classify(err); c {
		case lookup.Found:
			fmt.Println("Found: keep the global IP")
		case lookup.NotFound:
			fmt.Println("NotFound: release the global IP")
		default:
			fmt.Printf("%v (known: %v): keep the global IP, look again later\n", c, c.Known())
		}
	}
	// Output:
	// Found: keep the global IP
	// NotFound: release the global IP
	// Transient (known: false): keep the global IP, look again later
	// Permanent (known: false): keep the global IP, look again later
	// Transient (known: false): keep the global IP, look again later
}

// An adapter teaches the classifier its own errors: here a netlink
// adapter's "link not found", which the defaults cannot tell from any
// other missing file.
func ExampleNewClassifier() {
	errLinkNotFound := errors.New("link not found")
	classify := lookup.NewClassifier(func(err error) (lookup.Class, bool) {
		return lookup.NotFound, err == errLinkNotFound
	})
	fmt.Println(classify(fmt.Errorf("discover tunl0: %w", errLinkNotFound)))
	fmt.Println(lookup.Classify(fmt.Errorf("discover tunl0: %w", errLinkNotFound)))
	// Output:
	// NotFound
	// Transient
}
