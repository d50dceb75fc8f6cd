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
// their own in apimachinery's rule. Names are checked on every event, so
// the common case, a part of lower-case letters, digits and inner
// hyphens, is one table load per byte (kind); the reasons are worked out
// only for a part that fails.
func label(s, charReason string) string {
	if s == "" {
		return reasonEdge
	}
	bad := byte(0)
	for i := 0; i < len(s); i++ {
		bad |= kind[s[i]]
	}
	if bad&other == 0 && s[0] != '-' && s[len(s)-1] != '-' {
		return ""
	}
	// The first offence decides the reason.
	for i := 0; i < len(s); i++ {
		switch kind[s[i]] {
		case hyphen:
			if i == 0 || i == len(s)-1 {
				return reasonEdge
			}
		case other:
			return charReason
		}
	}
	return ""
}

// kind classes the bytes of a name: 0 for a lower-case letter or digit,
// hyphen for '-', other for anything else. A constant string, so that a
// lookup is one load and no table is package state.
const kind = "" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" + // 0x00
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" + // 0x10
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x01\x02\x02" + // 0x20: '-' is 0x2d
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x02\x02\x02\x02\x02" + // 0x30: digits
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" + // 0x40
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" + // 0x50
	"\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0x60: 'a' is 0x61
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x02\x02\x02\x02" + // 0x70: 'z' is 0x7a
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" + // 0x80 and up
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
	"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02"

// The classes of kind.
const (
	hyphen = 1
	other  = 2
)
