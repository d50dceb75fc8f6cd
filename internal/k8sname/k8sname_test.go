package k8sname

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

var seeds = []string{
	"", "a", "A", "-a", "a-", "a.b", "a..b", ".a", "a.", "east", "cluster-1",
	"submariner-cable-east-10-0-0-1", "a_b", "é", "0", "a-.b", "a.-b",
	string(make([]byte, 64)), "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
}

// The rules must agree with apimachinery's on every input, not just on the
// examples: the fuzz target compares both answers.
func FuzzAgreesWithApimachinery(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Label(s) == "", len(validation.IsDNS1123Label(s)) == 0; got != want {
			t.Errorf("Label(%q) valid=%v, apimachinery says %v", s, got, want)
		}
		if got, want := Subdomain(s) == "", len(validation.IsDNS1123Subdomain(s)) == 0; got != want {
			t.Errorf("Subdomain(%q) valid=%v, apimachinery says %v", s, got, want)
		}
	})
}

func TestReasons(t *testing.T) {
	for _, tc := range []struct{ in, label, sub string }{
		{"", reasonEmpty, reasonEmpty},
		{"east", "", ""},
		{"a.b", reasonLabelChr, ""},
		{"-a", reasonEdge, reasonEdge},
		{"a..b", reasonLabelChr, reasonEdge},
		{"A", reasonLabelChr, reasonChar},
	} {
		if got := Label(tc.in); got != tc.label {
			t.Errorf("Label(%q) = %q, want %q", tc.in, got, tc.label)
		}
		if got := Subdomain(tc.in); got != tc.sub {
			t.Errorf("Subdomain(%q) = %q, want %q", tc.in, got, tc.sub)
		}
	}
}

func BenchmarkSubdomain(b *testing.B) {
	for b.Loop() {
		if Subdomain("submariner-cable-east-10-0-0-1") != "" {
			b.Fatal("refused")
		}
	}
}

// The table agrees with the rule it encodes, byte by byte.
func TestKindTable(t *testing.T) {
	if len(kind) != 256 {
		t.Fatalf("kind has %d entries, want 256", len(kind))
	}
	for c := range 256 {
		want := byte(other)
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			want = 0
		case c == '-':
			want = hyphen
		}
		if kind[c] != want {
			t.Errorf("kind[%#x] = %d, want %d", c, kind[c], want)
		}
	}
}
