package ipamtest_test

import (
	"net/netip"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/ipam/ipamtest"
	"github.com/meshstate/meshstate/lookup"
)

// Invariants must catch the field's bug: an address changed on a lookup
// that was not a confirmed absence.
func TestInvariantsCatchAChangedAddress(t *testing.T) {
	m, err := ipam.New(ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/29")}})
	if err != nil {
		t.Fatal(err)
	}
	o := ipam.Owner{Namespace: "default", Name: "gip", UID: "u"}
	m.Step(ipam.Synced{})
	m.Step(ipam.Observed{Owner: o, Want: 1})
	before := map[string]ipam.Holding{o.String(): {Owner: o, Addresses: []netip.Addr{netip.MustParseAddr("242.0.0.5")}}}
	ev := ipam.LookupResult{Owner: o, Class: lookup.Transient}
	if err := ipamtest.Invariants(m, before, ev, true); err == nil || !strings.Contains(err.Error(), "invariant 3") {
		t.Errorf("Invariants = %v, want an invariant 3 violation", err)
	}
	nf := ipam.LookupResult{Owner: o, Class: lookup.NotFound}
	if err := ipamtest.Invariants(m, before, nf, true); err != nil {
		t.Errorf("a NotFound with the release option may change the address: %v", err)
	}
}

// Notices must catch an allocation no notice tells of, and a notice no
// condition change explains.
func TestNoticesCatchMissingAndStray(t *testing.T) {
	o := ipam.Owner{Namespace: "default", Name: "gip", UID: "u"}
	set := ipam.Effect{Kind: ipam.SetCondition, Owner: o, Condition: metav1.Condition{
		Type: ipam.ConditionAllocated, Status: metav1.ConditionTrue, Reason: ipam.ReasonAllocated, Message: "allocated"}}
	notice := ipam.Effect{Kind: ipam.Notify, Owner: o, Notice: ipam.Notice{Reason: ipam.ReasonAllocated, Action: ipam.ActionAllocate, Message: "allocated"}}
	if err := ipamtest.Notices([]ipam.Effect{set, notice}); err != nil {
		t.Errorf("a notice after its condition: %v", err)
	}
	if err := ipamtest.Notices([]ipam.Effect{set}); err == nil {
		t.Error("an allocation without its notice passed")
	}
	if err := ipamtest.Notices([]ipam.Effect{notice}); err == nil {
		t.Error("a notice without a condition change passed")
	}
}
