package cnitest

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/cni"
)

// Model is the simplest account of what the machine must know: the links
// (by index) and their addresses, and the addresses of indexes whose link
// has not been reported yet.
type Model struct {
	links  map[int]cni.Link
	orphan map[int][]netip.Prefix
}

// NewModel returns a model that knows no links.
func NewModel() *Model { return &Model{links: map[int]cni.Link{}, orphan: map[int][]netip.Prefix{}} }

// Apply records an accepted event.
func (m *Model) Apply(ev cni.Event) {
	switch ev := ev.(type) {
	case cni.Snapshot:
		clear(m.links)
		clear(m.orphan)
		for _, l := range ev.Links {
			m.links[l.Index] = l
		}
	case cni.LinkChanged:
		l, ok := m.links[ev.Link.Index]
		if !ok {
			l.Addrs = m.orphan[ev.Link.Index]
			delete(m.orphan, ev.Link.Index)
		}
		l.Index, l.Name, l.Up = ev.Link.Index, ev.Link.Name, ev.Link.Up
		m.links[l.Index] = l
	case cni.LinkRemoved:
		delete(m.links, ev.Index)
		delete(m.orphan, ev.Index)
	case cni.AddrAdded:
		if l, ok := m.links[ev.Index]; ok {
			if !slices.Contains(l.Addrs, ev.Address) {
				l.Addrs = append(slices.Clone(l.Addrs), ev.Address)
			}
			m.links[ev.Index] = l
		} else if !slices.Contains(m.orphan[ev.Index], ev.Address) {
			m.orphan[ev.Index] = append(m.orphan[ev.Index], ev.Address)
		}
	case cni.AddrRemoved:
		del := func(p netip.Prefix) bool { return p == ev.Address }
		if l, ok := m.links[ev.Index]; ok {
			l.Addrs = slices.DeleteFunc(slices.Clone(l.Addrs), del)
			m.links[ev.Index] = l
		} else {
			m.orphan[ev.Index] = slices.DeleteFunc(m.orphan[ev.Index], del)
		}
	}
}

// Want returns the interface the machine must hold: a brute-force search
// for the up link, then lowest index, holding the lowest pod-CIDR address.
func (m *Model) Want(podCIDRs []netip.Prefix) (cni.Choice, bool) {
	for _, up := range []bool{true, false} {
		for i := 1; i <= maxIndex(m.links); i++ {
			l, ok := m.links[i]
			if !ok || l.Up != up {
				continue
			}
			var cands []netip.Prefix
			for _, a := range l.Addrs {
				for _, p := range podCIDRs {
					if p.Contains(a.Addr()) {
						cands = append(cands, a)
					}
				}
			}
			if len(cands) == 0 {
				continue
			}
			slices.SortFunc(cands, func(a, b netip.Prefix) int {
				if c := a.Addr().Compare(b.Addr()); c != 0 {
					return c
				}
				return a.Bits() - b.Bits()
			})
			return cni.Choice{Interface: l.Name, Index: l.Index, Address: cands[0]}, true
		}
	}
	return cni.Choice{}, false
}

func maxIndex(links map[int]cni.Link) int {
	n := 0
	for i := range links {
		n = max(n, i)
	}
	return n
}

// Check verifies one accepted step: the machine holds what the model
// wants; it reported Discovered exactly when the choice changed to an
// interface and Lost exactly when it went to none; and it is never stuck
// (an interface discovered, or a retry pending).
func Check(m *cni.Machine, model *Model, before cni.Choice, hadBefore bool, effects []cni.Effect, podCIDRs []netip.Prefix) error {
	want, ok := model.Want(podCIDRs)
	got, has := m.Current()
	if has != ok || got != want {
		return fmt.Errorf("machine holds %v (%v), model wants %v (%v)", got, has, want, ok)
	}
	var disc, lost int
	for _, e := range effects {
		switch e.Kind {
		case cni.Discovered:
			disc++
			if (cni.Choice{Interface: e.Interface, Index: e.Index, Address: e.Address}) != want {
				return fmt.Errorf("discovered %v, want %v", e, want)
			}
		case cni.Lost:
			lost++
		}
	}
	changed := ok && (!hadBefore || before != want)
	if (disc == 1) != changed || disc > 1 {
		return fmt.Errorf("%d Discovered effects, choice changed from %v (%v) to %v (%v)", disc, before, hadBefore, want, ok)
	}
	if (lost == 1) != (hadBefore && !ok) || lost > 1 {
		return fmt.Errorf("%d Lost effects, had %v, has %v", lost, hadBefore, ok)
	}
	return Never(m)
}

// Never is the invariant "never a terminal failure": the machine holds an
// interface or waits for a retry it asked for.
func Never(m *cni.Machine) error {
	if _, has := m.Current(); !has && !m.Pending() {
		return fmt.Errorf("terminal: no interface and no retry pending after %d attempts", m.Attempts())
	}
	return nil
}
