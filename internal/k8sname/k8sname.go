// Package k8sname checks Kubernetes object names without regular
// expressions, so that validating an event costs nanoseconds, not a
// microsecond. The rules are those of k8s.io/apimachinery's
// IsDNS1123Label and IsDNS1123Subdomain; a fuzz test holds them equal.
package k8sname

// Reason texts, returned when a name is refused.
const (
	reasonEmpty    = "must not be empty"
	reasonTooLong  = "is too long"
	reasonChar     = "must consist of lower case alphanumeric characters, '-' or '.'"
	reasonLabelChr = "must consist of lower case alphanumeric characters or '-'"
	reasonEdge     = "must start and end with an alphanumeric character"
)

// LabelMaxLength and SubdomainMaxLength are the DNS-1123 limits.
const (
	LabelMaxLength     = 63
	SubdomainMaxLength = 253
)

// Label returns "" if s is a DNS-1123 label, or why it is not.
func Label(s string) string {
	switch {
	case s == "":
		return reasonEmpty
	case len(s) > LabelMaxLength:
		return reasonTooLong
	}
	return label(s, reasonLabelChr)
}

// Subdomain returns "" if s is a DNS-1123 subdomain, or why it is not.
func Subdomain(s string) string {
	switch {
	case s == "":
		return reasonEmpty
	case len(s) > SubdomainMaxLength:
		return reasonTooLong
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if r := label(s[start:i], reasonChar); r != "" {
				return r
			}
			start = i + 1
		}
	}
	return ""
}

// label checks one dot-free part; subdomain parts have no length limit of
// their own in apimachinery's rule.
func label(s, charReason string) string {
	if s == "" {
		return reasonEdge
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case alnum(c):
		case c == '-':
			if i == 0 || i == len(s)-1 {
				return reasonEdge
			}
		default:
			return charReason
		}
	}
	return ""
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
