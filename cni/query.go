package cni

import (
	"maps"
	"slices"
)

// Current returns the discovered interface, if any.
func (m *Machine) Current() (Choice, bool) { return m.current, m.has }

// Pending reports whether a RetryAfter is outstanding.
func (m *Machine) Pending() bool { return m.pending }

// Attempts returns the number of failed searches since the last discovery.
func (m *Machine) Attempts() int { return m.attempts }

// Links returns the links the machine knows, by index, with their
// addresses; indexes known only from addresses are left out. The result is
// a copy.
func (m *Machine) Links() []Link {
	out := make([]Link, 0, len(m.links))
	for _, i := range slices.Sorted(maps.Keys(m.links)) {
		s := m.links[i]
		if s.known {
			out = append(out, Link{Index: i, Name: s.name, Up: s.up, Addrs: slices.Clone(s.addrs)})
		}
	}
	return out
}
