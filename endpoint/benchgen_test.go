package endpoint_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/meshstate/meshstate/endpoint"
)

// benchWorld generates, batch by batch, the event stream an Endpoint
// informer delivers for many clusters: an initial list in random order with
// a tenth of the clusters holding a leftover stale endpoint, Synced, then
// gateway restarts (a new endpoint, half the time in the same second with a
// higher Sequence, then usually the old one's deletion: incident 000),
// updates of active and stale endpoints, resyncs that change nothing (same
// ResourceVersion) and deletions. Each event gets its own copies of its
// strings and slices, as a freshly decoded object has.
type benchWorld struct {
	rng      *rand.Rand
	clusters []*benchCluster
	rv       int
	out      []endpoint.Event
}

type benchCluster struct {
	id      string
	idx     int
	present []endpoint.Endpoint // increasing in the order: the last is the greatest
	live    bool                // the last is active (the newest ever is present)
	gen     int
	created time.Time
}

func newBenchWorld(seed uint64, clusters int) *benchWorld {
	w := &benchWorld{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for i := range clusters {
		w.clusters = append(w.clusters, &benchCluster{id: fmt.Sprintf("cluster-%05d", i), idx: i})
	}
	return w
}

// next returns the cluster's next endpoint, which supersedes all before it.
func (w *benchWorld) next(c *benchCluster) endpoint.Endpoint {
	c.gen++
	switch {
	case c.gen == 1:
		c.created = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(w.rng.IntN(1e6)) * time.Second)
	case w.rng.IntN(2) == 0: // the same second: Sequence breaks the tie
	default:
		c.created = c.created.Add(time.Duration(1+w.rng.IntN(600)) * time.Second)
	}
	host := byte(1 + c.gen%250)
	w.rv++
	return endpoint.Endpoint{
		Name:            fmt.Sprintf("%s-submariner-cable-%s-%d", c.id, c.id, c.gen),
		UID:             fmt.Sprintf("%08x-%04x-4%03x", w.rng.Uint32(), w.rng.Uint32()&0xffff, c.gen&0xfff),
		ResourceVersion: fmt.Sprint(w.rv),
		ClusterID:       c.id,
		CableName:       fmt.Sprintf("submariner-cable-%s-%d", c.id, host),
		Hostname:        fmt.Sprintf("%s-worker-%d", c.id, w.rng.IntN(3)),
		PrivateIP:       netip.AddrFrom4([4]byte{192, 168, byte(c.idx), host}),
		HealthCheckIP:   netip.AddrFrom4([4]byte{10, byte(c.idx >> 8), byte(c.idx), host}),
		Backend:         "libreswan",
		BackendConfig:   map[string]string{"natt-discovery-port": "4490", "udp-port": fmt.Sprint(4500 + c.gen%2)},
		CreatedAt:       c.created,
		Sequence:        uint64(c.gen),
		Subnets: []netip.Prefix{
			netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(c.idx >> 8), byte(c.idx), 0}), 24),
			netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64 + byte(c.idx>>8), byte(c.idx), 0}), 24),
		},
	}
}

// decoded copies ep as a freshly decoded object: nothing shared.
func decoded(ep endpoint.Endpoint) endpoint.Endpoint {
	ep.Name = string([]byte(ep.Name))
	ep.UID = string([]byte(ep.UID))
	ep.ClusterID = string([]byte(ep.ClusterID))
	ep.Hostname = string([]byte(ep.Hostname))
	ep.Subnets = slices.Clone(ep.Subnets)
	cfg := make(map[string]string, len(ep.BackendConfig))
	for k, v := range ep.BackendConfig {
		cfg[k] = string([]byte(v))
	}
	ep.BackendConfig = cfg
	return ep
}

func (w *benchWorld) upsert(ep endpoint.Endpoint) {
	w.out = append(w.out, endpoint.Upsert{Endpoint: decoded(ep)})
}

func (w *benchWorld) add(c *benchCluster) {
	ep := w.next(c)
	c.present, c.live = append(c.present, ep), true
	w.upsert(ep)
}

func (w *benchWorld) remove(c *benchCluster, i int) {
	if i == len(c.present)-1 {
		c.live = false
	}
	w.out = append(w.out, endpoint.Delete{Name: string([]byte(c.present[i].Name)), UID: c.present[i].UID})
	c.present = slices.Delete(c.present, i, i+1)
}

// update changes a field outside the order and bumps the version.
func (w *benchWorld) update(c *benchCluster, i int) {
	ep := &c.present[i]
	ep.Hostname = fmt.Sprintf("%s-worker-%d", c.id, (c.gen+w.rv)%5)
	w.rv++
	ep.ResourceVersion = fmt.Sprint(w.rv)
	w.upsert(*ep)
}

// list appends the initial list and Synced.
func (w *benchWorld) list() {
	start := len(w.out)
	for _, c := range w.clusters {
		if w.rng.IntN(10) == 0 {
			w.add(c)
		}
		w.add(c)
	}
	batch := w.out[start:]
	w.rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	w.out = append(w.out, endpoint.Synced{})
}

// fill appends events until the batch holds n.
func (w *benchWorld) fill(n int) {
	for len(w.out) < n {
		c := w.clusters[w.rng.IntN(len(w.clusters))]
		stale := len(c.present)
		if c.live {
			stale--
		}
		switch p := w.rng.IntN(100); {
		case p < 15 || len(c.present) == 0: // gateway restart
			old, live := len(c.present)-1, c.live
			w.add(c)
			if live && w.rng.IntN(100) < 85 {
				w.remove(c, old)
			}
		case p < 40 && c.live:
			w.update(c, len(c.present)-1)
		case p < 48 && stale > 0:
			w.update(c, w.rng.IntN(stale))
		case p < 93:
			w.upsert(c.present[w.rng.IntN(len(c.present))]) // resync
		case p < 98 && stale > 0:
			w.remove(c, w.rng.IntN(stale))
		case c.live:
			w.remove(c, len(c.present)-1)
		default:
			w.add(c)
		}
	}
}
