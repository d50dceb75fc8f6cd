package v1alpha1_test

import (
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
)

// Every GlobalIP name the API server accepts (a DNS-1123 subdomain) maps
// to a valid Service name, distinct names to distinct Service names, and
// short plain names to the readable one.
func TestInternalServiceName(t *testing.T) {
	long := strings.Repeat("a", 253)
	names := []string{"web", "a-b", "a.b", "a.b.c", "0web", long, long[:252] + "b",
		strings.Repeat("x.", 60) + "y", "db-" + strings.Repeat("9", 60)}
	seen := map[string]string{}
	for _, name := range names {
		if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
			t.Fatalf("test input %q is not a valid object name: %v", name, errs)
		}
		got := v1alpha1.InternalServiceName(name)
		if errs := validation.IsDNS1035Label(got); len(errs) > 0 {
			t.Errorf("InternalServiceName(%q) = %q: %v", name, got, errs)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("%q and %q both map to %q", name, other, got)
		}
		seen[got] = name
		if again := v1alpha1.InternalServiceName(name); again != got {
			t.Errorf("InternalServiceName(%q) changed: %q, then %q", name, got, again)
		}
	}
	for name, want := range map[string]string{"web": "globalip-web", "a-b": "globalip-a-b"} {
		if got := v1alpha1.InternalServiceName(name); got != want {
			t.Errorf("InternalServiceName(%q) = %q, want %q", name, got, want)
		}
	}
	if got := v1alpha1.InternalServiceName("a.b"); !strings.HasPrefix(got, "globalip-a-b-") {
		t.Errorf("InternalServiceName(%q) = %q, want the readable part kept", "a.b", got)
	}
}

func ExampleInternalServiceName() {
	fmt.Println(v1alpha1.InternalServiceName("web"))
	fmt.Println(len(v1alpha1.InternalServiceName("web.frontend.example.com")) <= 63)
	// Output:
	// globalip-web
	// true
}
