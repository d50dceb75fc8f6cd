// Package healthtest holds a naive model of the health machine, checks of
// its prober lifecycle, and the rapid property that compares the two.
package healthtest

import (
	"math"
	"math/big"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/health"
)

// Model is the naive reference: each tracked endpoint's whole result
// history since its current prober started, recomputed from scratch.
type Model struct {
	Config health.Config // with defaults filled in
	// Tracked are the endpoints with a running prober, by name.
	Tracked map[string]*ModelEndpoint
}

// ModelEndpoint is one tracked endpoint of the model.
type ModelEndpoint struct {
	// IP is the address its current prober probes.
	IP netip.Addr
	// UID is the endpoint's UID when it was tracked; a new one means a
	// new incarnation and a new prober.
	UID string
	// Generation is the current prober's generation.
	Generation uint64
	// LastSeq is the Seq of the last result taken; results at or below
	// it are ignored.
	LastSeq uint64
	// History holds every result of the current prober: a latency, or -1
	// for a loss.
	History []time.Duration
}

// NewModel returns an empty model for cfg (defaults filled in).
func NewModel(cfg health.Config) *Model {
	return &Model{Config: cfg, Tracked: map[string]*ModelEndpoint{}}
}

// Notify applies n; gen returns the generation the machine gave the new
// prober, if one is due (the model does not choose generations).
func (m *Model) Notify(n endpoint.Effect, gen func() uint64) {
	if n.Kind.Local() {
		return
	}
	ep := n.Endpoint
	if n.Kind.Retires() || !ep.HealthCheckIP.IsValid() {
		delete(m.Tracked, ep.Name)
		return
	}
	t := m.Tracked[ep.Name]
	if t != nil && t.IP == ep.HealthCheckIP && (ep.UID == "" || t.UID == "" || ep.UID == t.UID) {
		return
	}
	uid := ep.UID
	if t != nil && uid == "" {
		uid = t.UID
	}
	m.Tracked[ep.Name] = &ModelEndpoint{IP: ep.HealthCheckIP, UID: uid, Generation: gen()}
}

// Result applies a valid probe result.
func (m *Model) Result(r health.ProbeResult) {
	t := m.Tracked[r.Endpoint]
	if t == nil || t.Generation != r.Generation || r.Seq <= t.LastSeq {
		return
	}
	t.LastSeq = r.Seq
	if r.Lost {
		t.History = append(t.History, -1)
	} else {
		t.History = append(t.History, r.Received.Sub(r.Sent))
	}
}

// Window returns the last Config.Window results of t.
func (m *Model) Window(t *ModelEndpoint) []time.Duration {
	return t.History[max(0, len(t.History)-m.Config.Window):]
}

// Expect recomputes an endpoint's status, reason and statistics from its
// window alone, naively.
func (m *Model) Expect(t *ModelEndpoint) (health.Status, string, health.LatencyStats) {
	w := m.Window(t)
	var replies []time.Duration
	tail := 0
	for _, v := range w {
		if v < 0 {
			tail++
		} else {
			tail = 0
			replies = append(replies, v)
		}
	}
	st := Stats(replies)
	losses := len(w) - len(replies)
	switch {
	case len(w) == 0:
		return health.Connecting, health.ReasonProberStarted, st
	case tail >= m.Config.ErrorAfter:
		return health.Error, health.ReasonConsecutiveLosses, st
	case len(replies) == 0:
		return health.Connecting, health.ReasonAwaitingReply, st
	case float64(losses) > m.Config.DegradedLossRatio*float64(len(w)):
		return health.Degraded, health.ReasonLossRatio, st
	case m.Config.MaxMeanLatency > 0 && st.Mean > m.Config.MaxMeanLatency:
		return health.Degraded, health.ReasonHighLatency, st
	}
	return health.Connected, health.ReasonReplies, st
}

// Stats computes the statistics of xs the textbook way: min and max by
// scan, the mean by exact big-integer division, and the deviation by the
// two-pass formula in exact rationals.
func Stats(xs []time.Duration) health.LatencyStats {
	if len(xs) == 0 {
		return health.LatencyStats{}
	}
	st := health.LatencyStats{Samples: len(xs), Last: xs[len(xs)-1], Min: xs[0], Max: xs[0]}
	sum := new(big.Int)
	for _, x := range xs {
		st.Min, st.Max = min(st.Min, x), max(st.Max, x)
		sum.Add(sum, big.NewInt(int64(x)))
	}
	n := big.NewInt(int64(len(xs)))
	st.Mean = time.Duration(new(big.Int).Quo(sum, n).Int64())
	mean := new(big.Rat).SetFrac(sum, n)
	ss := new(big.Rat)
	for _, x := range xs {
		d := new(big.Rat).Sub(new(big.Rat).SetInt64(int64(x)), mean)
		ss.Add(ss, d.Mul(d, d))
	}
	variance, _ := ss.Quo(ss, new(big.Rat).SetInt(n)).Float64()
	st.StdDev = time.Duration(math.Sqrt(variance))
	return st
}
