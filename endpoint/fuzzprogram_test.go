package endpoint_test

import (
	stdcmp "cmp"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/meshstate/meshstate/endpoint"
)

// The pools the FuzzStep program picks field values from. Index 0 of each
// is valid, so a zero byte string yields valid endpoints.
var (
	fzNames = []string{
		"gw-a", "gw-b", "gw-c", "gw-d", "x.y-z", "0",
		"", "-gw", "gw-", "Gw", "a..b", "a_b", ".a", strings.Repeat("a", 254),
		strings.Repeat("a", 63) + "." + strings.Repeat("b", 189), // 253: valid
	}
	fzUIDs     = []string{"", "u1", "u2", "u3"}
	fzVersions = []string{"", "1", "2", "007", "7", "v1"}
	fzClusters = []string{"c1", "c2", "c3", "local", "", "C1", "c.1", "-c", "c_1", strings.Repeat("c", 64), strings.Repeat("c", 63)}
	fzBase     = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	fzTimes    = []time.Time{
		fzBase, fzBase.Add(time.Second), fzBase.Add(2 * time.Second), {}, fzBase.Add(500 * time.Millisecond),
		fzBase.In(time.FixedZone("X", 3600)), // the same instant as fzBase elsewhere
		fzBase.Add(-time.Hour),
	}
	fzPrefixes = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("10.1.0.0/16"), // overlaps 10.0.0.0/8
		netip.MustParsePrefix("192.168.0.0/24"),
		netip.MustParsePrefix("192.168.1.0/24"),
		netip.MustParsePrefix("fd00::/64"),
		netip.MustParsePrefix("0.0.0.0/0"),
		netip.MustParsePrefix("::ffff:10.0.0.0/104"),
		netip.MustParsePrefix("10.0.0.1/24"),                     // host bits set
		netip.MustParsePrefix("fd00::1/64"),                      // host bits set
		{},                                                       // invalid
		netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), 33),    // invalid
		netip.PrefixFrom(netip.MustParseAddr("fe80::%eth0"), 64), // invalid: zone
	}
	fzAddrs = []netip.Addr{
		{}, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("fd00::1"),
		netip.MustParseAddr("::ffff:10.0.0.1"), netip.MustParseAddr("fe80::1%eth0"),
	}
	fzStrings = []string{"", "one", "two"}
	fzConfigs = []map[string]string{nil, {}, {"k": "v"}, {"k": "w"}, {"k": "v", "l": "w"}}
)

type fzReader struct {
	data []byte
	i    int
}

func (r *fzReader) more() bool { return r.i < len(r.data) }

func (r *fzReader) next() byte {
	if r.i >= len(r.data) {
		return 0
	}
	b := r.data[r.i]
	r.i++
	return b
}

func fzPick[T any](r *fzReader, pool []T) T { return pool[int(r.next())%len(pool)] }

// str picks from pool, or, for a selector of 0xF0 or more, reads a raw
// string of up to 15 bytes.
func (r *fzReader) str(pool []string) string {
	b := r.next()
	if b < 0xF0 {
		return pool[int(b)%len(pool)]
	}
	n := int(b & 0x0F)
	start := min(r.i, len(r.data))
	end := min(start+n, len(r.data))
	r.i = end
	return string(r.data[start:end])
}

// endpoint reads an Endpoint; its subnets and backend configuration are
// fresh, since the machine takes ownership of them.
func (r *fzReader) endpoint() endpoint.Endpoint {
	ep := endpoint.Endpoint{
		Name:      r.str(fzNames),
		UID:       r.str(fzUIDs),
		ClusterID: r.str(fzClusters),
		CreatedAt: fzPick(r, fzTimes),
		Sequence:  uint64(r.next() % 4),
	}
	for range r.next() % 4 {
		ep.Subnets = append(ep.Subnets, fzPick(r, fzPrefixes))
	}
	ep.PrivateIP, ep.PublicIP, ep.HealthCheckIP = fzPick(r, fzAddrs), fzPick(r, fzAddrs), fzPick(r, fzAddrs)
	ep.CableName, ep.Hostname, ep.Backend = fzPick(r, fzStrings), fzPick(r, fzStrings), fzPick(r, fzStrings)
	ep.BackendConfig = maps.Clone(fzPick(r, fzConfigs))
	return ep
}

// fzClone returns a copy of ep that shares nothing mutable with it.
func fzClone(ep endpoint.Endpoint) endpoint.Endpoint {
	ep.Subnets = slices.Clone(ep.Subnets)
	ep.BackendConfig = maps.Clone(ep.BackendConfig)
	return ep
}

// mutate returns a copy of a known endpoint with one field changed, or none
// (a resync): the way to reach updates under a known name. It reads a kind
// byte and always one argument byte (a raw name may take more).
func (r *fzReader) mutate(ep endpoint.Endpoint) endpoint.Endpoint {
	ep = fzClone(ep)
	switch r.next() % 13 {
	case 0: // unchanged
		r.next()
	case 1:
		ep.UID = r.str(fzUIDs)
	case 2:
		ep.ClusterID = r.str(fzClusters)
	case 3:
		ep.CreatedAt = ep.CreatedAt.Add(time.Duration(r.next()%3) * time.Second)
	case 4:
		ep.Sequence += uint64(r.next() % 3)
	case 5:
		ep.Hostname = fzPick(r, fzStrings)
	case 6:
		ep.Subnets = append(ep.Subnets, fzPick(r, fzPrefixes))
	case 7:
		ep.BackendConfig = maps.Clone(fzPick(r, fzConfigs))
	case 8:
		ep.PrivateIP = fzPick(r, fzAddrs)
	case 9:
		r.next()
		ep.CreatedAt = ep.CreatedAt.In(time.FixedZone("Y", -7200)) // same instant
	case 10:
		r.next()
		ep.Subnets = nil
	case 11:
		ep.Name = r.str(fzNames)
	case 12: // a version: equal to the stored one, the update is a resync
		ep.ResourceVersion = r.str(fzVersions)
	}
	return ep
}

// foreignEvent satisfies endpoint.Event by embedding it; it is none of the
// package's events.
type foreignEvent struct{ endpoint.Event }

// fzProgram decodes the fuzzer's bytes into a machine configuration and a
// short sequence of events. The first byte chooses the configuration; then
// each event starts with an opcode byte.
func fzProgram(data []byte) (endpoint.Config, []endpoint.Event) {
	r := &fzReader{data: data}
	var cfg endpoint.Config
	c := r.next()
	if c&1 != 0 {
		cfg.LocalClusterID = "local"
	}
	if c&2 != 0 {
		// A caller's order that looks at the Sequence only, so that
		// CreatedAt changes are updates rather than rejections.
		cfg.Compare = func(a, b *endpoint.Endpoint) int { return stdcmp.Compare(a.Sequence, b.Sequence) }
	}
	var evs []endpoint.Event
	var seen []endpoint.Endpoint
	for r.more() && len(evs) < 64 {
		switch op := r.next() % 16; op {
		case 0, 1, 2, 3, 4, 5:
			ep := r.endpoint()
			seen = append(seen, ep)
			evs = append(evs, endpoint.Upsert{Endpoint: ep})
		case 6:
			ep := r.endpoint()
			seen = append(seen, ep)
			evs = append(evs, &endpoint.Upsert{Endpoint: ep})
		case 7, 8, 9, 10: // update of a known endpoint
			if len(seen) == 0 {
				evs = append(evs, endpoint.Synced{})
				continue
			}
			ep := r.mutate(seen[int(r.next())%len(seen)])
			seen = append(seen, ep)
			evs = append(evs, endpoint.Upsert{Endpoint: ep})
		case 11, 12: // deletion of a known endpoint or of a pool name
			var d endpoint.Delete
			if k := int(r.next()); len(seen) > 0 && k%4 != 3 {
				ep := seen[k%len(seen)]
				d.Name = ep.Name
				switch r.next() % 4 {
				case 0:
					d.UID = ep.UID
				case 1:
					d.UID = "" // matches any
				case 2:
					d.UID = "stale-uid"
				case 3:
					d.UID = r.str(fzUIDs)
				}
			} else {
				d = endpoint.Delete{Name: r.str(fzNames), UID: r.str(fzUIDs)}
			}
			if op == 12 && r.next()%2 == 1 {
				evs = append(evs, &d)
			} else {
				evs = append(evs, d)
			}
		case 13:
			evs = append(evs, endpoint.Synced{})
		case 14:
			evs = append(evs, &endpoint.Synced{})
		case 15:
			switch r.next() % 5 {
			case 0:
				evs = append(evs, nil)
			case 1:
				evs = append(evs, (*endpoint.Upsert)(nil))
			case 2:
				evs = append(evs, (*endpoint.Delete)(nil))
			case 3:
				evs = append(evs, foreignEvent{})
			case 4:
				evs = append(evs, foreignEvent{endpoint.Synced{}})
			}
		}
	}
	return cfg, evs
}
