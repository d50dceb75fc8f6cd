package vip

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// DefaultAddressAnnotation is the annotation kube-vip's cloud provider
// (v0.0.7 and later) writes the addresses of a LoadBalancer Service to,
// comma-separated, one per family for dual-stack; kube-vip itself reads
// it first (pkg/services FetchServiceAddresses, since kube-vip PR 528).
const DefaultAddressAnnotation = "kube-vip.io/loadbalancerIPs"

// ServiceAddresses is what a Service says about its load-balancer
// addresses, as the API holds them: unparsed strings. An adapter fills it
// from the object; VIPs chooses among the sources without I/O, so the
// rule is the same for every adapter and reachable by tests.
type ServiceAddresses struct {
	// Annotation is the value of the first configured address annotation
	// present on the Service (see DefaultAddressAnnotation).
	Annotation string
	// Annotated says whether one was present at all. One present with no
	// usable address leaves the choice to the other sources.
	Annotated bool
	// LoadBalancerIP is spec.loadBalancerIP (deprecated by Kubernetes,
	// still written by older allocators).
	LoadBalancerIP string
	// Ingress are the status.loadBalancer.ingress IPs, in order.
	Ingress []string
}

// VIPs returns the addresses to announce, in order, without duplicates,
// IPv4-mapped addresses in their IPv4 form. The order of precedence
// follows kube-vip's FetchServiceAddresses:
//
//  1. The annotation, if it holds at least one usable address: its
//     addresses only. It is what the allocator (or the user) asked for;
//     status is only what an announcer reported back, and may be stale.
//  2. Otherwise status.loadBalancer.ingress, except that a valid
//     spec.loadBalancerIP stands for its own family: it replaces the
//     status addresses of that family (kube-vip: "spec wins over status",
//     so a changed spec is followed though no one rewrote the status).
//     Status addresses of the other family stay; kube-vip drops them,
//     which loses a dual-stack Service's second VIP.
//  3. Otherwise spec.loadBalancerIP.
//
// An annotation without a usable address (empty, the DHCP placeholder
// 0.0.0.0 that kube-vip's cloud provider writes, or only malformed
// entries) says nothing about the address, so the other sources decide;
// kube-vip would announce nothing. Values that are not usable addresses
// are skipped, never fatal: the error, a *AddressError wrapping
// ErrInvalidAddress, lists them for the adapter to report, and the
// addresses returned alongside it are to be used all the same, so that one
// bad entry does not keep a Service's older version in force.
func (a ServiceAddresses) VIPs() ([]netip.Addr, error) {
	var p parsed
	if a.Annotated {
		for _, v := range strings.Split(a.Annotation, ",") {
			p.add("annotation", v, true)
		}
		if len(p.vips) > 0 {
			return p.vips, p.err()
		}
	}
	var status parsed
	for _, v := range a.Ingress {
		status.add("status.loadBalancer.ingress", v, false)
	}
	p.bad = append(p.bad, status.bad...)
	var spec parsed
	spec.add("spec.loadBalancerIP", a.LoadBalancerIP, false)
	p.bad = append(p.bad, spec.bad...)
	if len(spec.vips) == 0 {
		p.vips = status.vips
		return p.vips, p.err()
	}
	lb := spec.vips[0]
	replaced := false
	for _, s := range status.vips {
		if s.Is4() != lb.Is4() {
			p.vips = append(p.vips, s)
			continue
		}
		if !replaced {
			// The spec takes the place of the first status address of its
			// family; the others of that family go (kube-vip keeps only
			// the spec address when one differs).
			p.vips = append(p.vips, lb)
			replaced = true
		}
	}
	if !replaced {
		p.vips = append(p.vips, lb)
	}
	return p.vips, p.err()
}

// parsed accumulates the usable addresses of one source and what was
// skipped.
type parsed struct {
	vips []netip.Addr
	bad  []AddressProblem
}

// add parses v (trimmed when trim is set, as kube-vip trims the
// annotation's entries) and keeps it unless it is empty, malformed,
// unusable or a repeat.
func (p *parsed) add(source, v string, trim bool) {
	if trim {
		v = strings.TrimSpace(v)
	}
	if v == "" {
		return // absent, or a trailing comma: nothing was said
	}
	a, err := netip.ParseAddr(v)
	switch {
	case err != nil:
		p.bad = append(p.bad, AddressProblem{Source: source, Value: v, Reason: "not an IP address"})
		return
	case a.IsUnspecified():
		// kube-vip's DHCP placeholder: a request, not an address.
		return
	}
	a = a.Unmap()
	if r := vipAddrProblem(a); r != "" {
		p.bad = append(p.bad, AddressProblem{Source: source, Value: v, Reason: r})
		return
	}
	if slices.Contains(p.vips, a) {
		return
	}
	p.vips = append(p.vips, a)
}

func (p *parsed) err() error {
	if len(p.bad) == 0 {
		return nil
	}
	return &AddressError{Problems: p.bad}
}

// AddressProblem is one address value of a Service that was skipped.
type AddressProblem struct {
	// Source is where the value came from: "annotation",
	// "spec.loadBalancerIP" or "status.loadBalancer.ingress".
	Source string
	// Value is the skipped value, as the Service holds it.
	Value string
	// Reason says why it was skipped, for a person.
	Reason string
}

// AddressError lists the address values ServiceAddresses.VIPs skipped.
// It wraps ErrInvalidAddress.
type AddressError struct {
	// Problems are the skipped values, one each, in the order read.
	Problems []AddressProblem
}

// Error implements error.
func (e *AddressError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidAddress.Error())
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %q: %s", p.Source, p.Value, p.Reason)
	}
	return b.String()
}

// Unwrap returns ErrInvalidAddress, for errors.Is.
func (e *AddressError) Unwrap() error { return ErrInvalidAddress }
