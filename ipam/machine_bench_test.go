package ipam_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
)

// Requirements: observing a new owner through to its status-write effect in
// at most 400 ns and 4 allocations; recovering 100,000 owners in at most
// 100 ms.

var benchAt = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)

func benchOwners(n int) []ipam.Owner {
	out := make([]ipam.Owner, n)
	for i := range out {
		out[i] = ipam.Owner{Namespace: fmt.Sprintf("ns-%d", i%100), Name: fmt.Sprintf("gip-%d", i), UID: fmt.Sprintf("uid-%d", i)}
	}
	return out
}

// BenchmarkObserveNewOwner observes new owners on a synced machine that
// holds 10,000 others; every 1,000 owners the newest are deleted, with the
// timer stopped, so that the machine stays the same size.
func BenchmarkObserveNewOwner(b *testing.B) {
	const resident, batch = 10_000, 1_000
	m, err := ipam.New(ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/8")}})
	if err != nil {
		b.Fatal(err)
	}
	m.Step(ipam.Synced{At: benchAt})
	owners := benchOwners(resident + batch)
	for _, o := range owners[:resident] {
		if _, err := m.Step(ipam.Observed{Owner: o, Want: 1, DependsOn: true, At: benchAt}); err != nil {
			b.Fatal(err)
		}
	}
	fresh := owners[resident:]
	var buf []ipam.Effect
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%batch == 0 && i > 0 {
			b.StopTimer()
			for _, o := range fresh {
				if _, err := m.Step(ipam.Deleted{Owner: o, At: benchAt}); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
		}
		buf, err = m.AppendStep(buf[:0], ipam.Observed{Owner: fresh[i%batch], Want: 1, DependsOn: true, At: benchAt})
		if err != nil || buf[0].Kind != ipam.WriteStatus {
			b.Fatalf("%v %v", buf, err)
		}
	}
}

func BenchmarkRecover100k(b *testing.B) {
	const n = 100_000
	owners := benchOwners(n)
	events := make([]ipam.Event, 0, n+1)
	base := netip.MustParseAddr("242.0.0.1")
	a := base
	// What a status written by the machine records.
	allocated := []metav1.Condition{{Type: ipam.ConditionAllocated, Status: metav1.ConditionTrue,
		Reason: ipam.ReasonAllocated, LastTransitionTime: metav1.NewTime(benchAt)}}
	for _, o := range owners {
		events = append(events, ipam.Observed{Owner: o, Want: 1, DependsOn: true, At: benchAt,
			Status: ipam.Status{Addresses: []netip.Addr{a}, Conditions: allocated}})
		a = a.Next()
	}
	events = append(events, ipam.Synced{At: benchAt})
	var buf []ipam.Effect
	b.ReportAllocs()
	for b.Loop() {
		m, _ := ipam.New(ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/8")}})
		for _, ev := range events {
			var err error
			if buf, err = m.AppendStep(buf[:0], ev); err != nil {
				b.Fatal(err)
			}
		}
	}
}
