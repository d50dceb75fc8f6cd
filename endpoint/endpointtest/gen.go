package endpointtest

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
)

// Step is one step of a generated stream: an event for the machine, or a
// controller restart after which the events go to a fresh machine.
type Step struct {
	// Restart marks a controller restart: the following events go to a
	// fresh machine, as a relist; Event is nil.
	Restart bool
	// Event is the event to step; nil when Restart is set.
	Event endpoint.Event
}

// String is the step's transcript line, as GoString.
func (s Step) String() string { return s.GoString() }

// GenConfig shapes generated streams.
type GenConfig struct {
	// LocalClusterID, if set, is one of the generated clusters.
	LocalClusterID string
	// Clusters is how many cluster IDs endpoints are spread over; few
	// clusters mean many supersessions. Zero means 3.
	Clusters int
	// Steps bounds the number of actions; zero means 40.
	Steps int
	// Invalid mixes in events the machine must reject.
	Invalid bool
}

// Epoch is the creation time of the generated world's first second.
var Epoch = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)

// Stream generates event streams as a Kubernetes API server and informer
// deliver them: endpoints created with one-second timestamps that tie, gateway
// restarts that create a new endpoint and then delete the old one (incident
// 000), updates of active and stale endpoints, no-change resyncs, deletions,
// recreation under the same name with a new UID, relists, and controller
// restarts followed by a relist in any order and Synced.
func Stream(cfg GenConfig) *rapid.Generator[Steps] {
	if cfg.Clusters <= 0 {
		cfg.Clusters = 3
	}
	if cfg.Steps <= 0 {
		cfg.Steps = 40
	}
	return rapid.Custom(func(t *rapid.T) Steps {
		w := &world{cfg: cfg, t: t, present: map[string]endpoint.Endpoint{}}
		n := rapid.IntRange(0, cfg.Steps).Draw(t, "actions")
		for range n {
			w.act()
		}
		return w.steps
	})
}

type world struct {
	cfg     GenConfig
	t       *rapid.T
	present map[string]endpoint.Endpoint
	names   []string // present names, in creation order, for stable draws
	serial  int
	synced  bool
	steps   []Step
}

func (w *world) emit(ev endpoint.Event) { w.steps = append(w.steps, Step{Event: ev}) }

func (w *world) act() {
	actions := []func(){w.create, w.create, w.gatewayRestart, w.gatewayRestart, w.update, w.resync,
		w.remove, w.replace, w.relist, w.restart, w.sync, w.sync}
	if w.cfg.Invalid {
		actions = append(actions, w.invalid)
	}
	actions[rapid.IntRange(0, len(actions)-1).Draw(w.t, "action")]()
}

func (w *world) cluster() string {
	i := rapid.IntRange(0, w.cfg.Clusters-1).Draw(w.t, "cluster")
	if i == 0 && w.cfg.LocalClusterID != "" {
		return w.cfg.LocalClusterID
	}
	return fmt.Sprintf("c%d", i)
}

// fresh builds a new object of a cluster; ties in CreatedAt and Sequence
// are frequent on purpose.
func (w *world) fresh(cluster string, at time.Time, seq uint64) endpoint.Endpoint {
	w.serial++
	ep := endpoint.Endpoint{
		Name:          fmt.Sprintf("%s-gw-%d", cluster, w.serial),
		UID:           fmt.Sprintf("uid-%d", w.serial),
		ClusterID:     cluster,
		CableName:     fmt.Sprintf("cable-%d", w.serial),
		Hostname:      fmt.Sprintf("node-%d", rapid.IntRange(0, 3).Draw(w.t, "node")),
		Subnets:       []netip.Prefix{netip.MustParsePrefix(fmt.Sprintf("10.%d.0.0/16", w.serial%250))},
		PrivateIP:     netip.AddrFrom4([4]byte{192, 168, byte(w.serial >> 8), byte(w.serial)}),
		HealthCheckIP: netip.AddrFrom4([4]byte{10, 255, byte(w.serial >> 8), byte(w.serial)}),
		Backend:       "libreswan",
		CreatedAt:     at,
		Sequence:      seq,
	}
	if rapid.Bool().Draw(w.t, "withResourceVersion") {
		w.bump(&ep)
	}
	return ep
}

// bump gives a changed object a new resource version, as the API server
// does on every write; objects from sources without versions keep none.
func (w *world) bump(ep *endpoint.Endpoint) {
	w.serial++
	ep.ResourceVersion = fmt.Sprint(1000 + w.serial)
}

func (w *world) put(ep endpoint.Endpoint) {
	if _, ok := w.present[ep.Name]; !ok {
		w.names = append(w.names, ep.Name)
	}
	w.present[ep.Name] = ep
	w.emit(endpoint.Upsert{Endpoint: ep})
}

func (w *world) drop(name string, withUID bool) {
	uid := ""
	if withUID {
		uid = w.present[name].UID
	}
	delete(w.present, name)
	w.names = slices.DeleteFunc(w.names, func(n string) bool { return n == name })
	w.emit(endpoint.Delete{Name: name, UID: uid})
}

// pick draws a present endpoint.
func (w *world) pick() (endpoint.Endpoint, bool) {
	if len(w.names) == 0 {
		return endpoint.Endpoint{}, false
	}
	return w.present[rapid.SampledFrom(w.names).Draw(w.t, "endpoint")], true
}

func (w *world) create() {
	at := Epoch.Add(time.Duration(rapid.IntRange(0, 4).Draw(w.t, "second")) * time.Second)
	w.put(w.fresh(w.cluster(), at, uint64(rapid.IntRange(0, 2).Draw(w.t, "sequence"))))
}

// gatewayRestart is incident 000's pattern: a new endpoint newer than every
// endpoint of its cluster, often in the same second, then the old one's
// deletion.
func (w *world) gatewayRestart() {
	old, ok := w.pick()
	if !ok {
		return
	}
	at, seq := old.CreatedAt, old.Sequence
	for _, ep := range w.present {
		if ep.ClusterID == old.ClusterID && endpoint.ByCreation(&ep, &endpoint.Endpoint{CreatedAt: at, Sequence: seq}) > 0 {
			at, seq = ep.CreatedAt, ep.Sequence
		}
	}
	if rapid.Bool().Draw(w.t, "nextSecond") {
		at = at.Add(time.Second)
	}
	w.put(w.fresh(old.ClusterID, at, seq+1))
	w.drop(old.Name, rapid.Bool().Draw(w.t, "uid"))
}

func (w *world) update() {
	ep, ok := w.pick()
	if !ok {
		return
	}
	ep.Hostname = fmt.Sprintf("node-%d", rapid.IntRange(0, 3).Draw(w.t, "node"))
	ep.BackendConfig = map[string]string{"natt": fmt.Sprint(rapid.Bool().Draw(w.t, "natt"))}
	if rapid.Bool().Draw(w.t, "newHealthIP") {
		ep.HealthCheckIP = ep.HealthCheckIP.Next()
	}
	if ep.ResourceVersion != "" {
		w.bump(&ep)
	}
	w.present[ep.Name] = ep
	if rapid.Bool().Draw(w.t, "withoutUID") {
		ep.UID = "" // some sources do not carry it
	}
	w.emit(endpoint.Upsert{Endpoint: ep})
}

func (w *world) resync() {
	if ep, ok := w.pick(); ok {
		w.put(ep)
	}
}

func (w *world) remove() {
	if ep, ok := w.pick(); ok {
		w.drop(ep.Name, rapid.Bool().Draw(w.t, "uid"))
	}
}

// replace recreates an object under the same name with a new UID, as an
// informer that missed the delete (a relist) reports it: one update.
func (w *world) replace() {
	old, ok := w.pick()
	if !ok {
		return
	}
	at := old.CreatedAt.Add(time.Duration(rapid.IntRange(0, 1).Draw(w.t, "later")) * time.Second)
	ep := w.fresh(w.cluster(), at, old.Sequence)
	ep.Name = old.Name
	w.put(ep)
}

func (w *world) relist() {
	objs := make([]endpoint.Endpoint, 0, len(w.names))
	for _, name := range w.names {
		objs = append(objs, w.present[name])
	}
	for _, ep := range rapid.Permutation(objs).Draw(w.t, "relist") {
		w.emit(endpoint.Upsert{Endpoint: ep})
	}
}

func (w *world) restart() {
	w.steps = append(w.steps, Step{Restart: true})
	w.synced = false
	w.relist()
	w.sync()
}

func (w *world) sync() {
	if !w.synced {
		w.synced = true
		w.emit(endpoint.Synced{})
	}
}

// invalid emits one event the machine must reject; the world is unchanged.
func (w *world) invalid() {
	ep, ok := w.pick()
	switch rapid.IntRange(0, 4).Draw(w.t, "invalid") {
	case 0:
		bad := w.fresh("c0", Epoch, 0)
		bad.Name = "Not_A_Name"
		w.emit(endpoint.Upsert{Endpoint: bad})
	case 1:
		bad := w.fresh("c0", Epoch, 0)
		bad.Subnets = append(bad.Subnets, netip.MustParsePrefix("10.0.0.1/8"))
		w.emit(endpoint.Upsert{Endpoint: bad})
	case 2:
		w.emit(endpoint.Delete{Name: "never-created"})
	case 3:
		if ok {
			ep.ClusterID += "x"
			w.bump(&ep)
			w.emit(endpoint.Upsert{Endpoint: ep})
		}
	case 4:
		if ok {
			ep.Sequence += 7
			w.bump(&ep)
			w.emit(endpoint.Upsert{Endpoint: ep})
		}
	}
}
