package adaptercore

import (
	"maps"

	"github.com/prometheus/client_golang/prometheus"
)

// Collector returns a Prometheus collector of the adapter's Status and
// failure counts, named meshstate_<subsystem>_*:
//
//	synced                                1 once every source has synced
//	events_total                          events fed to the machine
//	events_rejected_total                 of which the machine refused
//	objects_skipped_total                 objects that did not convert
//	retries_pending                       retry timers armed
//	watch_errors_total{source,class}      list and watch failures
//	write_errors_total{op,outcome,class}  writes that did not come back Done
//
// It registers nothing itself.
func (c *Core) Collector(subsystem string) prometheus.Collector {
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName("meshstate", subsystem, name), help, labels, nil)
	}
	return &collector{c: c,
		synced:   desc("synced", "1 once every source of the adapter has delivered its initial list, so that its machine decides."),
		events:   desc("events_total", "Events fed to the machine."),
		rejected: desc("events_rejected_total", "Events the machine refused (each is logged)."),
		skipped:  desc("objects_skipped_total", "Objects that could not be converted (each is logged)."),
		retries:  desc("retries_pending", "Retry timers armed: writes that did not come back Done."),
		watch:    desc("watch_errors_total", "List and watch failures, by source and class.", "source", "class"),
		write:    desc("write_errors_total", "Writes that did not come back Done, by operation, outcome and class.", "op", "outcome", "class"),
	}
}

type collector struct {
	c                                                        *Core
	synced, events, rejected, skipped, retries, watch, write *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (m *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.synced, m.events, m.rejected, m.skipped, m.retries, m.watch, m.write} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *collector) Collect(ch chan<- prometheus.Metric) {
	st := &m.c.status
	st.mu.Lock()
	s := st.s
	watch, write := maps.Clone(st.watchErrors), maps.Clone(st.writeErrors)
	st.mu.Unlock()
	synced := 0.0
	if s.Synced {
		synced = 1
	}
	ch <- prometheus.MustNewConstMetric(m.synced, prometheus.GaugeValue, synced)
	ch <- prometheus.MustNewConstMetric(m.events, prometheus.CounterValue, float64(s.Events))
	ch <- prometheus.MustNewConstMetric(m.rejected, prometheus.CounterValue, float64(s.Rejected))
	ch <- prometheus.MustNewConstMetric(m.skipped, prometheus.CounterValue, float64(s.Skipped))
	ch <- prometheus.MustNewConstMetric(m.retries, prometheus.GaugeValue, float64(s.Retries))
	for k, n := range watch {
		ch <- prometheus.MustNewConstMetric(m.watch, prometheus.CounterValue, float64(n), k[0], k[1])
	}
	for k, n := range write {
		ch <- prometheus.MustNewConstMetric(m.write, prometheus.CounterValue, float64(n), k[0], k[1], k[2])
	}
}
