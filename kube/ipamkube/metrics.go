package ipamkube

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Collector returns a Prometheus collector of the allocator's gauges, for
// the caller to register with its own registry (the adapter registers
// nothing globally):
//
//	meshstate_ipam_pool_size{prefix}       usable addresses of a pool prefix
//	meshstate_ipam_pool_free{prefix}       of which free
//	meshstate_ipam_pool_allocated{prefix}  of which allocated
//	meshstate_ipam_owners                  owners the machine holds
//	meshstate_ipam_owners_waiting          of which without addresses
//	meshstate_ipam_leading                 1 while a term runs, else 0
//
// The pool and owner gauges are reported only while the adapter leads: a
// standby replica holds no allocations.
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
