package lookup_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/lookup"
)

// FuzzClassify builds API errors from arbitrary statuses, as a server or a
// proxy might send them, and checks that Classify always answers with a
// valid class that wrapping does not change, that a non-nil error is never
// Found, and that NotFound is exactly apimachinery's NotFound with a 404
// (or no code) from the API server itself.
func FuzzClassify(f *testing.F) {
	for _, s := range []struct {
		code       int32
		reason     string
		unexpected bool
	}{
		{404, "NotFound", false}, {404, "", false}, {404, "", true}, {0, "NotFound", false},
		{503, "NotFound", false}, {409, "Conflict", false}, {409, "AlreadyExists", false},
		{410, "Gone", false}, {410, "Expired", false}, {429, "", false}, {429, "Forbidden", false},
		{500, "InternalError", false}, {500, "StoreReadError", false}, {502, "", false},
		{503, "ServiceUnavailable", false}, {504, "Timeout", false}, {504, "ServerTimeout", false},
		{401, "Unauthorized", false}, {403, "Forbidden", false}, {422, "Invalid", false},
		{400, "BadRequest", false}, {405, "MethodNotAllowed", false}, {406, "NotAcceptable", false},
		{413, "RequestEntityTooLarge", false}, {415, "UnsupportedMediaType", false},
		{418, "", false}, {200, "", false}, {-404, "NotFound", false}, {1 << 30, "Vanished", true},
	} {
		f.Add(s.code, s.reason, "the message", s.unexpected)
	}
	f.Fuzz(func(t *testing.T, code int32, reason, message string, unexpected bool) {
		st := &metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: metav1.StatusReason(reason), Message: message}
		if unexpected {
			st.Details = &metav1.StatusDetails{Causes: []metav1.StatusCause{{Type: metav1.CauseTypeUnexpectedServerResponse, Message: message}}}
		}
		err := apierrors.FromObject(st)
		c := lookup.Classify(err)
		if !c.Valid() || c == lookup.Found {
			t.Fatalf("Classify(%+v) = %v", st, c)
		}
		wantNotFound := apierrors.IsNotFound(err) && !unexpected && (code == 404 || code == 0)
		if (c == lookup.NotFound) != wantNotFound {
			t.Fatalf("Classify(%+v) = %v; apierrors.IsNotFound = %v", st, c, apierrors.IsNotFound(err))
		}
		if unexpected && c != lookup.Transient {
			t.Fatalf("Classify(%+v) = %v for a response that was not a Status, want Transient", st, c)
		}
		for _, w := range []error{
			fmt.Errorf("x: %w", err),
			fmt.Errorf("y: %w", fmt.Errorf("x: %w", err)),
			errors.Join(err, err),
		} {
			if got := lookup.Classify(w); got != c {
				t.Fatalf("Classify(%v) = %v, but unwrapped it is %v", w, got, c)
			}
		}
		if got := lookup.Classify(errors.Join(err, context.Canceled)); got != lookup.Transient {
			t.Fatalf("joined with context.Canceled: %v, want Transient", got)
		}
	})
}
