package health

import (
	"fmt"
	"net/netip"
	"slices"

	"time"

	"github.com/meshstate/meshstate/endpoint"
)

// Machine decides which endpoints are probed and their statuses. It is a
// plain value without goroutines, clock or I/O; it is not safe for
// concurrent use (an adapter serialises Step calls, which is also what
// keeps status reads free of data races).
type Machine struct {
	cfg    Config
	tracks map[string]*track
	names  []string // tracked names, sorted: reports need no map iteration
	gen    uint64   // last generation handed out
	// okLosses[n] is the most losses a window of n results may hold
	// without exceeding DegradedLossRatio, by the status rule's own float
	// comparison: the hot path compares integers.
	okLosses []int
}

// track is one tracked endpoint and its current prober.
type track struct {
	name, cluster, uid string
	ip                 netip.Addr
	gen                uint64
	seq                uint64 // last Seq taken; results must exceed it
	status             Status
	reason             string
	win                window
}

// New returns a machine tracking nothing.
func New(cfg Config) (*Machine, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ok := make([]int, cfg.Window+1)
	for n := range ok {
		l := n // the greatest l <= n not over the ratio; 0 never is
		for l > 0 && float64(l) > cfg.DegradedLossRatio*float64(n) {
			l--
		}
		ok[n] = l
	}
	return &Machine{cfg: cfg, tracks: map[string]*track{}, okLosses: ok}, nil
}

// Config returns the configuration in effect, defaults filled in.
func (m *Machine) Config() Config { return m.cfg }

// Step applies one event and returns the effects it causes, in order. A
// rejected event returns an error wrapping one of the package's sentinels
// and leaves the machine unchanged.
func (m *Machine) Step(ev Event) ([]Effect, error) { return m.AppendStep(nil, ev) }

// AppendStep is Step appending the effects to dst; on error dst is returned
// unchanged. A probe result into a buffer with room allocates nothing.
func (m *Machine) AppendStep(dst []Effect, ev Event) ([]Effect, error) {
	switch ev := ev.(type) {
	case ProbeResult:
		return m.result(dst, &ev)
	case Notified:
		if err := validNotification(&ev.Notification); err != nil {
			return dst, err
		}
		return m.notified(dst, &ev.Notification), nil
	case Tick:
		return append(dst, Effect{Kind: Report, Statuses: m.Statuses(), At: ev.At}), nil
	}
	return dst, &RejectedError{Reason: fmt.Sprintf("%T", ev), Err: ErrInvalidEvent}
}

// AppendProbeResult is AppendStep for one probe result, without boxing
// it in an Event: the prober's hot path, which allocates nothing when dst
// has room for the effects (at most one StatusChanged).
func (m *Machine) AppendProbeResult(dst []Effect, r *ProbeResult) ([]Effect, error) {
	return m.result(dst, r)
}

// AppendNotifications steps every notification in ns, in order, as a
// handler of the endpoint machine receives them. It validates them all
// first, so a rejected batch changes nothing.
func (m *Machine) AppendNotifications(dst []Effect, ns []endpoint.Effect) ([]Effect, error) {
	for i := range ns {
		if err := validNotification(&ns[i]); err != nil {
			return dst, err
		}
	}
	for i := range ns {
		dst = m.notified(dst, &ns[i])
	}
	return dst, nil
}

func validNotification(n *endpoint.Effect) error {
	switch {
	case n.Kind < endpoint.LocalEndpointCreated || n.Kind > endpoint.StaleRemoteEndpointRemoved:
		return &RejectedError{Endpoint: n.Endpoint.Name, Field: "kind", Reason: n.Kind.String(), Err: ErrInvalidEvent}
	case n.Endpoint.Name == "":
		return &RejectedError{Field: "endpoint.name", Reason: "empty", Err: ErrInvalidEvent}
	}
	return nil
}

// notified applies a valid notification.
func (m *Machine) notified(out []Effect, n *endpoint.Effect) []Effect {
	if n.Kind.Local() {
		return out // a gateway does not probe itself
	}
	ep := &n.Endpoint
	t := m.tracks[ep.Name]
	if n.Kind.Retires() || !ep.HealthCheckIP.IsValid() {
		// Retired, or no longer probeable: stop and forget.
		if t == nil {
			return out
		}
		return m.untrack(out, t)
	}
	if t == nil {
		t = &track{name: ep.Name, win: newWindow(m.cfg.Window)}
		m.tracks[ep.Name] = t
		i, _ := slices.BinarySearch(m.names, ep.Name)
		m.names = slices.Insert(m.names, i, ep.Name)
		t.cluster, t.uid = ep.ClusterID, ep.UID
		return m.start(out, t, ep.HealthCheckIP)
	}
	t.cluster = ep.ClusterID
	// A new IP, or a new incarnation of the name, needs a new prober: the
	// old one's results describe another path.
	if ep.HealthCheckIP == t.ip && (ep.UID == "" || t.uid == "" || ep.UID == t.uid) {
		return out
	}
	if ep.UID != "" {
		t.uid = ep.UID
	}
	out = append(out, Effect{Kind: StopProber, Endpoint: t.name, Generation: t.gen})
	return m.start(out, t, ep.HealthCheckIP)
}

// start starts a new prober for t at ip with an empty window.
func (m *Machine) start(out []Effect, t *track, ip netip.Addr) []Effect {
	m.gen++
	t.ip, t.gen, t.seq = ip, m.gen, 0
	t.win.reset()
	out = append(out, Effect{Kind: StartProber, Endpoint: t.name, IP: ip, Generation: t.gen})
	return m.setStatus(out, t, Connecting, ReasonProberStarted)
}

// untrack stops t's prober and forgets t.
func (m *Machine) untrack(out []Effect, t *track) []Effect {
	delete(m.tracks, t.name)
	if i, ok := slices.BinarySearch(m.names, t.name); ok {
		m.names = slices.Delete(m.names, i, i+1)
	}
	return append(out, Effect{Kind: StopProber, Endpoint: t.name, Generation: t.gen})
}

// result takes one probe result: the hot path, one map lookup and O(1)
// work except when an extreme leaves the window.
func (m *Machine) result(out []Effect, r *ProbeResult) ([]Effect, error) {
	var rtt time.Duration
	if !r.Lost {
		rtt = r.Received.Sub(r.Sent)
	}
	switch {
	case r.Endpoint == "":
		return out, &RejectedError{Field: "endpoint", Reason: "empty", Err: ErrInvalidEvent}
	case r.Lost && !r.Received.IsZero():
		return out, &RejectedError{Endpoint: r.Endpoint, Field: "received", Reason: "set on a lost probe", Err: ErrInvalidEvent}
	case !r.Lost && (r.Received.IsZero() || rtt < 0 || rtt > MaxRTT):
		return out, &RejectedError{Endpoint: r.Endpoint, Field: "received", Reason: "not within MaxRTT after sent", Err: ErrInvalidEvent}
	}
	t := m.tracks[r.Endpoint]
	if t == nil || t.gen != r.Generation || r.Seq <= t.seq {
		return out, nil // a stopped prober, or a duplicate: never resurrects
	}
	t.seq = r.Seq
	if r.Lost {
		t.win.add(lost)
	} else {
		t.win.add(int64(rtt))
	}
	s, why := m.evaluate(&t.win)
	return m.setStatus(out, t, s, why), nil
}

// evaluate is the status rule of the package documentation.
func (m *Machine) evaluate(w *window) (Status, string) {
	switch {
	case w.n == 0:
		return Connecting, ReasonProberStarted
	case w.tail >= m.cfg.ErrorAfter:
		return Error, ReasonConsecutiveLosses
	case w.replies == 0:
		return Connecting, ReasonAwaitingReply
	case w.losses > m.okLosses[w.n]: // float64(w.losses) > DegradedLossRatio*float64(w.n)
		return Degraded, ReasonLossRatio
	case m.cfg.MaxMeanLatency > 0 && w.mean() > int64(m.cfg.MaxMeanLatency):
		return Degraded, ReasonHighLatency
	}
	return Connected, ReasonReplies
}

// setStatus records s and says so if the status changed; a new reason
// alone is recorded silently, to keep StatusChanged about status.
func (m *Machine) setStatus(out []Effect, t *track, s Status, why string) []Effect {
	t.reason = why
	if t.status == s {
		return out
	}
	t.status = s
	return append(out, Effect{Kind: StatusChanged, Endpoint: t.name, Status: s, Reason: why})
}
