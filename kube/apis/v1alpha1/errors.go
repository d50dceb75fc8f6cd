package v1alpha1

import "errors"

// ErrMalformed: an object from the API server does not decode into its
// kind (a field of the wrong type, say). Adapters skip such objects and
// report them; they never take them for absent.
var ErrMalformed = errors.New("v1alpha1: malformed object")
