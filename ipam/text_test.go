package ipam

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// addrsText writes addresses exactly as fmt's %v, which the messages used
// before it.
func TestAddrsTextIsFmt(t *testing.T) {
	long := make([]netip.Addr, 40)
	for i := range long {
		long[i] = netip.AddrFrom4([4]byte{242, 0, 1, byte(i)})
	}
	for _, addrs := range [][]netip.Addr{
		nil,
		{},
		{netip.MustParseAddr("242.0.0.1")},
		{netip.MustParseAddr("242.0.0.1"), netip.MustParseAddr("242.0.0.2")},
		{netip.MustParseAddr("fd00::1"), netip.MustParseAddr("::ffff:1.2.3.4"), netip.MustParseAddr("fe80::1%eth0")},
		{{}},
		long,
	} {
		want := fmt.Sprintf("kept %v, which its status records", addrs)
		if got := addrsText("kept ", addrs, ", which its status records"); got != want {
			t.Errorf("addrsText(%#v) = %q, want %q", addrs, got, want)
		}
	}
	if got := addrsText(strings.Repeat("x", 200), nil, ""); got != strings.Repeat("x", 200)+"[]" {
		t.Errorf("long text: %q", got)
	}
}

// A new owner's messages: Allocated names the addresses; Ready's, like
// every Ready message, does not (the Allocated message and the status's
// addresses do).
func TestNewOwnerMessages(t *testing.T) {
	m, err := New(Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/24")}})
	if err != nil {
		t.Fatal(err)
	}
	m.Step(Synced{})
	want := map[Kind][]string{
		SetCondition: {"allocated [242.0.0.1]", "the addresses are allocated; waiting for the dependency to carry them"},
		Notify:       {"allocated [242.0.0.1]"},
	}
	effects, err := m.Step(Observed{Owner: Owner{Namespace: "ns", Name: "a", UID: "u"}, Want: 1, DependsOn: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[Kind][]string{}
	for _, e := range effects {
		switch e.Kind {
		case SetCondition:
			got[e.Kind] = append(got[e.Kind], e.Condition.Message)
		case Notify:
			got[e.Kind] = append(got[e.Kind], e.Notice.Message)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("messages %q, want %q", got, want)
	}
	// Two addresses, and an owner without a dependency.
	for _, c := range []struct {
		ev   Observed
		want []string
	}{
		{Observed{Owner: Owner{Namespace: "ns", Name: "b", UID: "v"}, Want: 2, DependsOn: true},
			[]string{"allocated [242.0.0.2 242.0.0.3]", "the addresses are allocated; waiting for the dependency to carry them"}},
		{Observed{Owner: Owner{Namespace: "ns", Name: "c", UID: "w"}, Want: 1},
			[]string{"allocated [242.0.0.4]", "the addresses are allocated"}},
	} {
		effects, err := m.Step(c.ev)
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, e := range effects {
			if e.Kind == SetCondition {
				msgs = append(msgs, e.Condition.Message)
			}
		}
		if fmt.Sprint(msgs) != fmt.Sprint(c.want) {
			t.Errorf("%v: messages %q, want %q", c.ev.Owner, msgs, c.want)
		}
	}
}
