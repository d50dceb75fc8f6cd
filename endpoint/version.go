package endpoint

// version holds a resource version so that comparing it reads no memory
// outside the record. Kubernetes resource versions are opaque strings, but
// the API server's are decimal etcd revisions; those are kept as numbers.
// Any other string is kept as is and compared as a string.
type version struct {
	n    uint64
	s    string // set when the version is not a canonical decimal
	none bool   // the object carries no version
}

func parseVersion(s string) version {
	if s == "" {
		return version{none: true}
	}
	if n, ok := decimal(s); ok {
		return version{n: n}
	}
	return version{s: s}
}

// is reports whether v is the version s, which is not empty.
func (v version) is(s string) bool {
	if v.none {
		return false
	}
	if n, ok := decimal(s); ok {
		return v.s == "" && v.n == n
	}
	return v.s == s
}

// decimal parses a canonical decimal: digits only, no leading zero, at most
// 19 digits, so that equal numbers mean equal strings.
func decimal(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 19 || s[0] == '0' && len(s) > 1 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}
