package prog

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	stdlog "log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	certutil "k8s.io/client-go/util/cert"
)

// Servers are the program's HTTP servers: metrics and probes. Start them
// with Start; Wait returns once they have shut down, after the context
// given to Start is done.
type Servers struct {
	wg sync.WaitGroup
	// MetricsAddr and ProbeAddr are the addresses listened on, once
	// started; nil if disabled.
	MetricsAddr, ProbeAddr net.Addr
}

// Ready reports whether the program is ready: nil, or why not.
type Ready func() error

// Start listens on the addresses of o (a bind failure is returned at
// once) and serves until ctx is done: reg's metrics at /metrics (over
// HTTPS, authenticated and authorized through rc's API server, if
// o.MetricsSecure), /healthz (200 while the process runs) and /readyz
// (200 when ready returns nil, else 503 with its reason).
func (s *Servers) Start(ctx context.Context, o Options, rc *rest.Config, reg *prometheus.Registry, ready Ready, log logr.Logger) error {
	if o.MetricsAddr != "0" {
		h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
		ln, err := net.Listen("tcp", o.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		if o.MetricsSecure {
			cs, err := kubernetes.NewForConfig(rc)
			if err != nil {
				_ = ln.Close()
				return fmt.Errorf("metrics: %w", err)
			}
			h = newAuthFilter(cs, log.WithName("metrics-auth")).wrap(h)
			cert, err := selfSigned()
			if err != nil {
				_ = ln.Close()
				return fmt.Errorf("metrics: %w", err)
			}
			ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", h)
		s.MetricsAddr = ln.Addr()
		scheme := map[bool]string{false: "http", true: "https"}[o.MetricsSecure]
		log.Info("serving metrics", "address", ln.Addr().String(), "scheme", scheme, "authenticated", o.MetricsSecure)
		s.serve(ctx, "metrics", mux, ln, log)
	}
	if o.ProbeAddr != "0" {
		ln, err := net.Listen("tcp", o.ProbeAddr)
		if err != nil {
			return fmt.Errorf("health probes: %w", err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprintln(w, "ok") })
		mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
			if err := ready(); err != nil {
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			_, _ = fmt.Fprintln(w, "ok")
		})
		s.ProbeAddr = ln.Addr()
		log.Info("serving health probes", "address", ln.Addr().String(), "paths", "/healthz /readyz")
		s.serve(ctx, "health probes", mux, ln, log)
	}
	return nil
}

// Wait waits until the servers have shut down.
func (s *Servers) Wait() { s.wg.Wait() }

func (s *Servers) serve(ctx context.Context, what string, h http.Handler, ln net.Listener, log logr.Logger) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		// The server's own complaints (a TLS handshake from a port
		// scanner) go to the one logger, at V(1).
		ErrorLog:    stdlog.New(logWriter{log.V(1).WithValues("server", what)}, "", 0),
		BaseContext: func(net.Listener) context.Context { return ctx }}
	s.wg.Go(func() {
		stopped := context.AfterFunc(ctx, func() {
			shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(shutdown)
		})
		defer stopped()
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error(err, "server stopped", "server", what)
		}
	})
}

// logWriter is an io.Writer of lines that logs each.
type logWriter struct{ log logr.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Info(strings.TrimSpace(string(p)))
	return len(p), nil
}

// selfSigned returns a new self-signed certificate for localhost: the
// scrapes are encrypted; Prometheus in a cluster scrapes pods with
// insecure_skip_verify, as for kube-controller-manager's.
func selfSigned() (tls.Certificate, error) {
	cert, key, err := certutil.GenerateSelfSignedCertKey("localhost", []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, nil)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("self-signed certificate: %w", err)
	}
	return tls.X509KeyPair(cert, key)
}
