package endpoint

import (
	"cmp"
	"strings"
)

// Compare orders two endpoints of the same cluster: it returns a positive
// number when a supersedes b, negative when b supersedes a, and zero when the
// order cannot tell them apart. A Compare must be a strict weak order and must
// read only fields that never change over an object's life; the machine
// rejects an update that moves an endpoint within the order (ErrOrderChanged).
type Compare func(a, b *Endpoint) int

// ByCreation is the default order: the later CreatedAt supersedes; on a tie
// (Kubernetes timestamps have one-second resolution) the greater Sequence
// supersedes. Endpoints equal under both are left to the machine's final
// tie-breaker, the name.
func ByCreation(a, b *Endpoint) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.Sequence, b.Sequence)
}

func (m *Machine) compare(a, b *Endpoint) int {
	if m.custom == nil {
		return ByCreation(a, b)
	}
	return m.custom(a, b)
}

// total extends the machine's order to a total one. Names are unique keys
// in the machine, so no two tracked endpoints tie; the greater name wins,
// which is arbitrary but the same whatever order the events arrive in.
func (m *Machine) total(a, b *Endpoint) int {
	if c := m.compare(a, b); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}
