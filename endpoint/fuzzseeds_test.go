package endpoint_test

import (
	"testing"

	"github.com/meshstate/meshstate/endpoint"
)

// fzOp encodes FuzzStep programs for the seeds.
type fzOp []byte

// fzUp is an upsert of a pool endpoint: indexes into fzNames, fzUIDs,
// fzClusters, fzTimes, then the sequence, then subnets from fzPrefixes.
func fzUp(name, uid, cluster, at, seq byte, subnets ...byte) fzOp {
	op := fzOp{0, name, uid, cluster, at, seq, byte(len(subnets))}
	op = append(op, subnets...)
	return append(op, 0, 0, 0, 0, 0, 0, 0) // IPs, strings, config
}

// fzUpIP is an upsert whose private IP is fzAddrs[ip].
func fzUpIP(name, cluster, ip byte) fzOp {
	return fzOp{0, name, 0, cluster, 0, 0, 0, ip, 0, 0, 0, 0, 0, 0}
}

// fzMut updates seen endpoint k with mutation kind m and argument a.
func fzMut(k, m, a byte) fzOp { return fzOp{7, k, m, a} }

// fzDel deletes seen endpoint k; uidMode 0: its UID, 1: none, 2: a stale one.
func fzDel(k, uidMode byte) fzOp { return fzOp{11, k, uidMode} }

// fzDelName deletes a pool name with a pool UID.
func fzDelName(name, uid byte) fzOp { return fzOp{11, 3, name, uid} }

var (
	fzSync = fzOp{13}
	fzNil  = fzOp{15, 0}
)

func fzSeed(cfg byte, ops ...fzOp) []byte {
	out := []byte{cfg}
	for _, op := range ops {
		out = append(out, op...)
	}
	return out
}

func fzSeeds() [][]byte {
	return [][]byte{
		// Incident 000: restart in the same second, then the old one's deletion.
		fzSeed(0, fzUp(0, 1, 0, 0, 1), fzSync, fzUp(1, 2, 0, 0, 2), fzDel(0, 0), fzDel(1, 1)),
		// Local cluster, a stale endpoint, deletion of the active one.
		fzSeed(1, fzUp(0, 1, 3, 0, 1), fzUp(1, 2, 3, 1, 0), fzSync, fzDel(1, 0), fzDel(0, 0)),
		// The local cluster's gateway restarts; the new endpoint is updated.
		fzSeed(1, fzUp(0, 1, 3, 0, 1), fzSync, fzUp(1, 2, 3, 0, 2), fzMut(1, 5, 1), fzDel(0, 0), fzDel(1, 1)),
		// ErrInvalidEndpoint: names, cluster IDs, subnets, zoned IPs.
		fzSeed(0, fzUp(6, 0, 0, 0, 0), fzUp(9, 0, 0, 0, 0), fzUp(10, 0, 0, 0, 0), fzUp(13, 0, 0, 0, 0), fzUp(14, 0, 0, 0, 0)),
		fzSeed(0, fzUp(0, 0, 4, 0, 0), fzUp(0, 0, 5, 0, 0), fzUp(0, 0, 6, 0, 0), fzUp(0, 0, 9, 0, 0), fzUp(0, 0, 10, 0, 0)),
		fzSeed(0, fzUp(0, 0, 0, 0, 0, 0, 1), fzUp(0, 0, 0, 0, 0, 7), fzUp(0, 0, 0, 0, 0, 9), fzUp(0, 0, 0, 0, 0, 10),
			fzUp(0, 0, 0, 0, 0, 11), fzUp(0, 0, 0, 0, 0, 8), fzUp(0, 0, 0, 0, 0, 0, 2, 4, 6), fzUp(0, 0, 0, 0, 0, 5, 4)),
		fzSeed(0, fzUpIP(0, 0, 4), fzUpIP(0, 0, 3), fzSync),
		// An invalid update of a tracked endpoint leaves it as it was.
		fzSeed(0, fzUp(0, 1, 0, 0, 1, 0), fzSync, fzMut(0, 6, 1), fzMut(0, 2, 6), fzMut(0, 11, 6), fzMut(0, 8, 4)),
		// ErrClusterChanged.
		fzSeed(0, fzUp(0, 1, 0, 0, 1), fzSync, fzMut(0, 2, 1)),
		// ErrOrderChanged: CreatedAt, Sequence; a zone change of CreatedAt is no change.
		fzSeed(0, fzUp(0, 1, 0, 0, 1), fzSync, fzMut(0, 3, 1), fzMut(0, 4, 1), fzMut(0, 9, 0)),
		// The same under a Sequence-only order: CreatedAt changes are updates.
		fzSeed(2, fzUp(0, 1, 0, 0, 1), fzSync, fzMut(0, 3, 1), fzMut(0, 4, 1)),
		// UID change: a new incarnation replaces the old one, even in another cluster.
		fzSeed(0, fzUp(0, 1, 0, 0, 1), fzUp(1, 0, 0, 1, 0), fzSync, fzMut(0, 1, 2), fzMut(0, 1, 3), fzMut(2, 2, 1)),
		fzSeed(0, fzUp(0, 1, 0, 0, 1), fzSync, fzUp(0, 2, 1, 2, 0), fzDel(0, 0), fzDel(1, 0)),
		// ErrUnknownEndpoint and ErrUIDMismatch.
		fzSeed(0, fzDelName(1, 1), fzUp(0, 1, 0, 0, 1), fzSync, fzDel(0, 2), fzDel(0, 0), fzDel(0, 0)),
		fzSeed(0, fzUp(0, 0, 0, 0, 1), fzDel(0, 2), fzMut(0, 1, 1), fzDel(1, 2), fzDelName(0, 2)),
		// ErrInvalidEvent: nil, typed nils, a foreign event.
		fzSeed(0, fzNil, fzOp{15, 1}, fzOp{15, 2}, fzOp{15, 3}, fzOp{15, 4}, fzOp{14}),
		// Updates of the active and of a stale endpoint, then a resync.
		fzSeed(0, fzUp(0, 1, 0, 0, 1), fzUp(1, 2, 0, 0, 2), fzSync, fzMut(1, 5, 1), fzMut(0, 5, 2), fzMut(1, 7, 2), fzMut(1, 0, 0)),
		// Several clusters, deletion of the active one promotes the next.
		fzSeed(1, fzUp(0, 1, 0, 0, 1), fzUp(1, 1, 1, 0, 1), fzUp(2, 1, 0, 1, 1), fzUp(3, 1, 3, 0, 1), fzSync,
			fzDel(2, 0), fzUp(4, 1, 0, 2, 0), fzDel(0, 1)),
		// Raw names from the input.
		fzSeed(0, fzOp{0, 0xF3, 'A', 'b', 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, fzSync),
		{},
	}
}

// The seeds must reach every rejection class and every notification kind,
// or the fuzzer starts from less than it claims.
func TestFuzzStepSeedsCoverage(t *testing.T) {
	errs := make(map[error]int)
	kinds := make(map[endpoint.Kind]int)
	for _, seed := range fzSeeds() {
		cfg, evs := fzProgram(seed)
		m, err := endpoint.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			ns, err := m.Step(ev)
			if err != nil {
				errs[fzCheckErr(t, err)]++
			}
			for _, n := range ns {
				kinds[n.Kind]++
			}
		}
	}
	for _, s := range fzSentinels {
		if errs[s] == 0 {
			t.Errorf("no seed is rejected with %v", s)
		}
	}
	for k := endpoint.LocalEndpointCreated; k <= endpoint.StaleRemoteEndpointRemoved; k++ {
		if kinds[k] == 0 {
			t.Errorf("no seed yields %v", k)
		}
	}
	t.Logf("rejections: %v", errs)
	t.Logf("notifications: %v", kinds)
}
