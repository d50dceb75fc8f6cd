package cni

import (
	"net/netip"
	"strings"
)

// validateCIDRs checks a Config's pod CIDRs.
func validateCIDRs(cidrs []netip.Prefix) error {
	if len(cidrs) == 0 {
		return rejectf(ErrInvalidConfig, "podCIDRs", "none given")
	}
	for i, p := range cidrs {
		switch {
		case !p.IsValid():
			return rejectf(ErrInvalidConfig, "podCIDRs", "%v is not a valid prefix", p)
		case p != p.Masked():
			return rejectf(ErrInvalidConfig, "podCIDRs", "%v has host bits set (%v)", p, p.Masked())
		}
		for _, q := range cidrs[:i] {
			if p.Overlaps(q) {
				return rejectf(ErrInvalidConfig, "podCIDRs", "%v overlaps %v", p, q)
			}
		}
	}
	return nil
}

// validate checks an event before it changes anything.
func validate(ev Event) error {
	switch ev := ev.(type) {
	case NodeReady:
		return nil
	case Snapshot:
		return validateSnapshot(ev.Links)
	case LinkChanged:
		return validateLink(ev.Link, false)
	case LinkRemoved:
		return validateIndex(ev.Index)
	case AddrAdded:
		return validateAddr(ev.Index, ev.Address)
	case AddrRemoved:
		return validateAddr(ev.Index, ev.Address)
	}
	return rejectf(ErrInvalidEvent, "", "%T", ev)
}

func validateSnapshot(links []Link) error {
	indexes := make(map[int]bool, len(links))
	names := make(map[string]bool, len(links))
	for _, l := range links {
		if err := validateLink(l, true); err != nil {
			return err
		}
		if indexes[l.Index] || names[l.Name] {
			return rejectf(ErrInvalidLink, "links", "%s#%d listed twice", l.Name, l.Index)
		}
		indexes[l.Index], names[l.Name] = true, true
	}
	return nil
}

func validateLink(l Link, addrs bool) error {
	if err := validateIndex(l.Index); err != nil {
		return err
	}
	if !validName(l.Name) {
		return rejectf(ErrInvalidLink, "name", "%q is not a valid interface name", l.Name)
	}
	if addrs {
		for _, a := range l.Addrs {
			if !a.IsValid() {
				return rejectf(ErrInvalidAddress, "addrs", "link %s holds %v", l.Name, a)
			}
		}
	}
	return nil
}

func validateIndex(i int) error {
	if i <= 0 {
		return rejectf(ErrInvalidLink, "index", "%d is not positive", i)
	}
	return nil
}

func validateAddr(index int, a netip.Prefix) error {
	if err := validateIndex(index); err != nil {
		return err
	}
	if !a.IsValid() {
		return rejectf(ErrInvalidAddress, "address", "%v is not a valid prefix", a)
	}
	return nil
}

// validName follows the kernel's dev_valid_name: 1 to 15 bytes, not "." or
// "..", without '/', ':' or white space.
func validName(n string) bool {
	return len(n) > 0 && len(n) < 16 && n != "." && n != ".." &&
		!strings.ContainsAny(n, "/: \t\n\v\f\r\x00")
}
