package icmp_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/health/icmp"
	"github.com/meshstate/meshstate/internal/nstest"
)

const (
	interval = 50 * time.Millisecond
	timeout  = 150 * time.Millisecond
)

var (
	addrA  = netip.MustParsePrefix("169.254.200.1/30")
	addrB  = netip.MustParsePrefix("169.254.200.2/30")
	addr6A = netip.MustParsePrefix("fd00:6d73::1/64")
	addr6B = netip.MustParsePrefix("fd00:6d73::2/64")
)

// addAddr6 gives ns's link name the IPv6 address addr, usable at once:
// without duplicate address detection, which would hold it tentative, and
// kept while the link is down, where the kernel would otherwise drop it.
func addAddr6(t *testing.T, ns *nstest.Namespace, name string, addr netip.Prefix) {
	t.Helper()
	err := ns.Do(func() error {
		// /proc/sys/net, opened from a thread in ns, is ns's.
		return os.WriteFile("/proc/sys/net/ipv6/conf/"+name+"/keep_addr_on_down", []byte("1"), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	link, err := ns.Handle.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	nl, err := netlink.ParseAddr(addr.String())
	if err != nil {
		t.Fatal(err)
	}
	nl.Flags = unix.IFA_F_NODAD
	if err := ns.Handle.AddrAdd(link, nl); err != nil {
		t.Fatalf("address %v: %v", addr, err)
	}
}

// pair is two namespaces joined by a veth pair: "a" holds ms-a with addrA,
// "b" holds ms-b with addrB, both up.
type pair struct {
	a, b  *nstest.Namespace
	peerB netlink.Link
}

func newPair(t *testing.T) *pair {
	t.Helper()
	a, b := nstest.New(t), nstest.New(t)
	return &pair{a: a, b: b, peerB: join(t, a, b, "ms-a", "ms-b", addrA, addrB)}
}

// join links a and b by a veth pair, nameA in a with addressA and nameB in
// b with addressB, both up, and returns b's end.
func join(t *testing.T, a, b *nstest.Namespace, nameA, nameB string, addressA, addressB netip.Prefix) netlink.Link {
	t.Helper()
	la := a.Veth(t, nameA, nameB)
	peer, err := a.Handle.LinkByName(nameB)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Handle.LinkSetNsFd(peer, int(b.NS)); err != nil {
		t.Fatalf("move %s into its namespace: %v", nameB, err)
	}
	peer, err = b.Handle.LinkByName(nameB)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		ns   *nstest.Namespace
		link netlink.Link
		addr netip.Prefix
	}{{a, la, addressA}, {b, peer, addressB}} {
		nl, err := netlink.ParseAddr(s.addr.String())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ns.Handle.AddrAdd(s.link, nl); err != nil {
			t.Fatalf("address %v: %v", s.addr, err)
		}
		if err := s.ns.Handle.LinkSetUp(s.link); err != nil {
			t.Fatal(err)
		}
	}
	return peer
}

// inEchos reads the Icmp InEchos counter of ns, and inEchos6 its Icmp6
// InEchos.
func inEchos(t *testing.T, ns *nstest.Namespace) int {
	t.Helper()
	return echoCounter(t, ns, "snmp", parseInEchos)
}

func inEchos6(t *testing.T, ns *nstest.Namespace) int {
	t.Helper()
	return echoCounter(t, ns, "snmp6", parseInEchos6)
}

// echoCounter parses ns's /proc/net/file with parse. /proc/net follows the
// process's namespace, not the thread's, so the per-thread view is read
// from the thread Do switched into ns.
func echoCounter(t *testing.T, ns *nstest.Namespace, file string, parse func([]byte) (int, error)) int {
	t.Helper()
	var n int
	err := ns.Do(func() error {
		b, err := os.ReadFile("/proc/thread-self/net/" + file)
		if err != nil {
			return err
		}
		n, err = parse(b)
		return err
	})
	if err != nil {
		t.Fatalf("read ICMP counters from %s: %v", file, err)
	}
	return n
}

// parseInEchos finds InEchos in /proc/net/snmp, whose Icmp section is a
// header line of names followed by a line of values.
func parseInEchos(b []byte) (int, error) {
	var header []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] != "Icmp:" {
			continue
		}
		if header == nil {
			header = f
			continue
		}
		for i, name := range header {
			if name == "InEchos" && i < len(f) {
				return strconv.Atoi(f[i])
			}
		}
	}
	return 0, errors.New("no Icmp InEchos in snmp")
}

// parseInEchos6 finds Icmp6InEchos in /proc/net/snmp6, a name and a value
// per line.
func parseInEchos6(b []byte) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "Icmp6InEchos" {
			return strconv.Atoi(f[1])
		}
	}
	return 0, errors.New("no Icmp6InEchos in snmp6")
}

// recorder collects results on a channel the test reads.
type recorder chan icmp.Result

func (r recorder) add(res icmp.Result) {
	select {
	case r <- res:
	default: // the test stopped reading; dropping keeps the prober moving
	}
}

// waitFor reads results until one satisfies ok, failing after within.
func (r recorder) waitFor(t *testing.T, within time.Duration, what string, ok func(icmp.Result) bool) icmp.Result {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case res := <-r:
			if ok(res) {
				return res
			}
		case <-deadline:
			t.Fatalf("no result %s within %v", what, within)
			return icmp.Result{}
		}
	}
}

// runPool runs p until the test ends, then checks Run's error.
func runPool(t *testing.T, p *icmp.Pool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}
