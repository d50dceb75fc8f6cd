package endpoint

import "testing"

func TestVersionIs(t *testing.T) {
	for _, tc := range []struct {
		stored, incoming string
		want             bool
	}{
		{"", "1", false},
		{"1", "1", true},
		{"12345678901234567890", "12345678901234567890", true}, // too long for a number: a string
		{"7", "007", false},
		{"007", "007", true},
		{"0", "0", true},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"10", "1", false},
	} {
		if got := parseVersion(tc.stored).is(tc.incoming); got != tc.want {
			t.Errorf("stored %q is %q = %v, want %v", tc.stored, tc.incoming, got, tc.want)
		}
	}
}
