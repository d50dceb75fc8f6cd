package ipamkube

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/meshstate/meshstate/ipam"
)

// Collector returns a Prometheus collector of the allocator's gauges and
// counters, for the caller to register with its own registry (the
// adapter registers nothing globally):
//
//	meshstate_ipam_pool_size{prefix}            usable addresses of a pool prefix
//	meshstate_ipam_pool_free{prefix}            of which free
//	meshstate_ipam_pool_allocated{prefix}       of which allocated
//	meshstate_ipam_owners                       owners the machine holds
//	meshstate_ipam_owners_waiting               of which without addresses
//	meshstate_ipam_leading                      1 while a term runs, else 0
//	meshstate_ipam_allocations_total            addresses handed to an owner (new, moved or reallocated)
//	meshstate_ipam_releases_total               addresses given back to the pool
//	meshstate_ipam_lookups_total{class}         dependency lookups, by lookup.Class
//	meshstate_ipam_retries_total{kind}          retries scheduled, by the kind retried
//	meshstate_ipam_events_rejected_total{error} events the machine refused, by sentinel
//	meshstate_ipam_notices_total{reason}        decisions told as Kubernetes Events, by reason
//
// The pool and owner gauges are reported only while the adapter leads: a
// standby replica holds no allocations. The counters count from New,
// across terms. Allocations and releases count decisions (one for an
// egress range), not addresses.
func (a *Adapter) Collector() prometheus.Collector {
	gauge := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("meshstate_ipam_"+name, help, labels, nil)
	}
	return &collector{a: a,
		size:      gauge("pool_size", "Usable addresses of a prefix of the pool.", "prefix"),
		free:      gauge("pool_free", "Free addresses of a prefix of the pool.", "prefix"),
		allocated: gauge("pool_allocated", "Allocated addresses of a prefix of the pool.", "prefix"),
		owners:    gauge("owners", "Owners the allocator holds."),
		waiting:   gauge("owners_waiting", "Owners waiting for addresses."),
		leading:   gauge("leading", "1 while this replica runs the allocator."),
	}
}

type collector struct {
	a                                               *Adapter
	size, free, allocated, owners, waiting, leading *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.size, c.free, c.allocated, c.owners, c.waiting, c.leading} {
		ch <- d
	}
	for _, m := range c.a.metrics.all() {
		m.Describe(ch)
	}
}

// Collect implements prometheus.Collector. It reads the snapshot the
// adapter's loop publishes, never the machine itself.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	emit := func(d *prometheus.Desc, v int, labels ...string) {
		m, err := prometheus.NewConstMetric(d, prometheus.GaugeValue, float64(v), labels...)
		if err != nil {
			m = prometheus.NewInvalidMetric(d, err)
		}
		ch <- m
	}
	leading := 0
	if c.a.leading.Load() {
		leading = 1
	}
	emit(c.leading, leading)
	for _, m := range c.a.metrics.all() {
		m.Collect(ch)
	}
	sn := c.a.snap.Load()
	if sn == nil {
		return
	}
	emit(c.owners, sn.stats.Owners)
	emit(c.waiting, sn.stats.Waiting)
	for _, p := range sn.stats.Prefixes {
		pfx := p.Prefix.String()
		emit(c.size, p.Size, pfx)
		emit(c.free, p.Free, pfx)
		emit(c.allocated, p.Allocated, pfx)
	}
}

// counters are the adapter's counters, kept across terms.
type counters struct {
	allocations, releases              prometheus.Counter
	lookups, retries, rejects, notices *prometheus.CounterVec
}

func newCounters() *counters {
	opts := func(name, help string) prometheus.CounterOpts {
		return prometheus.CounterOpts{Namespace: "meshstate", Subsystem: "ipam", Name: name, Help: help}
	}
	return &counters{
		allocations: prometheus.NewCounter(opts("allocations_total", "Allocations of addresses to an owner: new, moved or reallocated.")),
		releases:    prometheus.NewCounter(opts("releases_total", "Releases of an owner's addresses back to the pool.")),
		lookups:     prometheus.NewCounterVec(opts("lookups_total", "Lookups of owners' dependencies, by outcome class."), []string{"class"}),
		retries:     prometheus.NewCounterVec(opts("retries_total", "Retries scheduled, by the kind of effect retried."), []string{"kind"}),
		rejects:     prometheus.NewCounterVec(opts("events_rejected_total", "Events the allocator refused, by error."), []string{"error"}),
		notices:     prometheus.NewCounterVec(opts("notices_total", "Decisions told as Kubernetes Events, by reason."), []string{"reason"}),
	}
}

func (c *counters) all() []prometheus.Collector {
	return []prometheus.Collector{c.allocations, c.releases, c.lookups, c.retries, c.rejects, c.notices}
}

// notice counts a decision told to the user, and an allocation if it is
// one.
func (c *counters) notice(n ipam.Notice) {
	c.notices.WithLabelValues(n.Reason).Inc()
	if n.Action == ipam.ActionAllocate {
		c.allocations.Inc()
	}
}

// rejectLabels name the machine's sentinels in the rejections counter.
var rejectLabels = []struct {
	err   error
	label string
}{
	{ipam.ErrInvalidOwner, "InvalidOwner"}, {ipam.ErrWantChanged, "WantChanged"}, {ipam.ErrUnknownOwner, "UnknownOwner"},
	{ipam.ErrUIDMismatch, "UIDMismatch"}, {ipam.ErrInvalidEvent, "InvalidEvent"},
}

func (c *counters) rejected(err error) {
	label := "Other"
	for _, r := range rejectLabels {
		if errors.Is(err, r.err) {
			label = r.label
			break
		}
	}
	c.rejects.WithLabelValues(label).Inc()
}
