// Package health decides, without I/O, which remote gateway endpoints a
// health checker probes and what their connection status is.
//
// Field incident 000 from the consumer's side: a checker that missed an
// endpoint's deletion kept probing a ghost. Here the input is the endpoint
// machine's notifications themselves: RemoteEndpointCreated and
// RemoteEndpointUpdated track an endpoint and start a prober at its
// HealthCheckIP; RemoteEndpointRemoved and StaleRemoteEndpointRemoved stop
// that prober exactly once and forget the endpoint. Local kinds are ignored:
// a gateway does not probe itself. An endpoint without a valid HealthCheckIP
// cannot be probed and is not tracked.
//
// Every prober instance has a generation, unique within a machine, and its
// results carry it: a result from a stopped prober (an old IP, a removed
// endpoint) is ignored and never resurrects anything. A changed health-check
// IP stops the old prober, starts a new one and begins a fresh window.
//
// Status is a function of the endpoint's window alone (the last
// Config.Window results of its current prober), evaluated in this order:
//
//   - Connecting: no reply yet in the window (and not yet Error).
//   - Error: the last Config.ErrorAfter results were all lost.
//   - Degraded: the window's loss ratio exceeds Config.DegradedLossRatio, or
//     Config.MaxMeanLatency is set and the mean latency exceeds it.
//   - Connected: otherwise.
//
// Recovery follows from the same rules: one reply ends Error; Degraded turns
// Connected once enough losses (or slow replies) have slid out of the
// window. There is deliberately no hysteresis beyond the window, so that a
// status can be recomputed from the window by anyone.
//
// Latency statistics (last, min, max, mean, standard deviation) cover the
// replies in the window. Sums are kept exactly in integers (a 128-bit sum
// of squares), so the mean and deviation do not drift however long the
// machine runs, and min and max are recomputed when their sample leaves the
// window: they are never stale.
//
// A Tick asks for a Report: the status of every tracked endpoint, by name,
// which a route agent publishes. The prober adapter reports a loss itself
// when no reply arrives within its timeout.
//
// Package health/healthtest holds a naive model, lifecycle checks and the
// rapid property used by this package's tests.
package health
