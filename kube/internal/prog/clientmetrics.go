package prog

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	clientmetrics "k8s.io/client-go/tools/metrics"
)

// client-go's request metrics, named as Kubernetes' own components name
// them. client-go takes one set of hooks per process (the first Register
// wins), so they are process-global: created and hooked once, then
// registered with each program registry that asks.
var (
	clientHooks sync.Once

	requestsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rest_client_requests_total",
		Help: "Number of HTTP requests to the API server, by status code, method and host.",
	}, []string{"code", "method", "host"})
	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "rest_client_request_duration_seconds",
		Help:    "Request latency to the API server in seconds, by verb and host.",
		Buckets: []float64{0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60},
	}, []string{"verb", "host"})
	rateLimiterDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "rest_client_rate_limiter_duration_seconds",
		Help:    "Time requests waited for client-side rate limiting (--qps, --burst) in seconds, by verb and host.",
		Buckets: []float64{0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60},
	}, []string{"verb", "host"})
	requestRetries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rest_client_request_retries_total",
		Help: "Number of request retries by client-go, by status code, method and host.",
	}, []string{"code", "method", "host"})
)

// RegisterClientMetrics hooks client-go's request metrics (once per
// process) and registers them with reg: requests by code, latency and
// rate-limiter wait by verb, and retries.
func RegisterClientMetrics(reg prometheus.Registerer) error {
	clientHooks.Do(func() {
		clientmetrics.Register(clientmetrics.RegisterOpts{
			RequestResult:      resultHook{requestsTotal},
			RequestRetry:       retryHook{requestRetries},
			RequestLatency:     latencyHook{requestDuration},
			RateLimiterLatency: latencyHook{rateLimiterDuration},
		})
	})
	for _, c := range []prometheus.Collector{requestsTotal, requestDuration, rateLimiterDuration, requestRetries} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

type resultHook struct{ v *prometheus.CounterVec }

func (h resultHook) Increment(_ context.Context, code, method, host string) {
	h.v.WithLabelValues(code, method, host).Inc()
}

type retryHook struct{ v *prometheus.CounterVec }

func (h retryHook) IncrementRetry(_ context.Context, code, method, host string) {
	h.v.WithLabelValues(code, method, host).Inc()
}

type latencyHook struct{ v *prometheus.HistogramVec }

func (h latencyHook) Observe(_ context.Context, verb string, u url.URL, latency time.Duration) {
	h.v.WithLabelValues(verb, u.Host).Observe(latency.Seconds())
}

// Registry returns the registry a program serves its metrics from:
// client-go's (RegisterClientMetrics), the adapters' collectors, and the
// Go runtime's and the process's.
func Registry(adapters ...prometheus.Collector) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	if err := RegisterClientMetrics(reg); err != nil {
		return nil, err
	}
	for _, c := range append(adapters, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})) {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return reg, nil
}
