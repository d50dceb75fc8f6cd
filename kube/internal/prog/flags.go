package prog

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
)

// ErrUsage wraps the errors of bad flags: the program exits 2.
var ErrUsage = errors.New("usage")

// Exit codes of the example programs.
const (
	// ExitOK: interrupted (SIGINT, SIGTERM) and stopped cleanly, or -h.
	ExitOK = 0
	// ExitFailure: the program could not start or run.
	ExitFailure = 1
	// ExitUsage: bad flags or arguments.
	ExitUsage = 2
)

// Defaults of the common flags.
const (
	DefaultMetricsAddr = "127.0.0.1:8080"
	DefaultProbeAddr   = ":8081"
)

// Options are the flags the example programs share.
type Options struct {
	// Kubeconfig is --kubeconfig: empty means $KUBECONFIG, and if that is
	// empty too, the in-cluster configuration.
	Kubeconfig string
	// MetricsAddr is --metrics-bind-address; "0" disables.
	MetricsAddr string
	// MetricsSecure is --metrics-secure: HTTPS, each scrape authenticated
	// and authorized by the API server. Defaults to true when MetricsAddr
	// is not a loopback address, which requires it.
	MetricsSecure bool
	// ProbeAddr is --health-probe-bind-address; "0" disables.
	ProbeAddr string
	// LogFormat is --log-format: "text" or "json".
	LogFormat string
	// Verbosity is -v.
	Verbosity int
}

// Bind defines the common flags on fs.
func (o *Options) Bind(fs *flag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "",
		"kubeconfig file (default: $KUBECONFIG; if both are empty, the in-cluster configuration)")
	fs.StringVar(&o.MetricsAddr, "metrics-bind-address", DefaultMetricsAddr,
		`serve Prometheus metrics at /metrics on this address; "0" disables. A non-loopback address requires --metrics-secure`)
	fs.BoolVar(&o.MetricsSecure, "metrics-secure", false,
		"serve metrics over HTTPS (self-signed) and authenticate and authorize each scrape with TokenReview and SubjectAccessReview (get /metrics) (default: true unless the address is loopback)")
	fs.StringVar(&o.ProbeAddr, "health-probe-bind-address", DefaultProbeAddr,
		`serve /healthz and /readyz on this address; "0" disables`)
	fs.StringVar(&o.LogFormat, "log-format", "text", "log format: text or json")
	fs.IntVar(&o.Verbosity, "v", 0, "log verbosity (klog's included)")
}

// Check validates the common flags once fs has been parsed, applying the
// defaults that depend on other flags.
func (o *Options) Check(fs *flag.FlagSet) error {
	secureSet := false
	fs.Visit(func(f *flag.Flag) { secureSet = secureSet || f.Name == "metrics-secure" })
	switch o.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("%w: --log-format %q: want text or json", ErrUsage, o.LogFormat)
	}
	if o.Verbosity < 0 {
		return fmt.Errorf("%w: -v %d: want 0 or more", ErrUsage, o.Verbosity)
	}
	for _, a := range []struct{ flag, addr string }{{"metrics-bind-address", o.MetricsAddr}, {"health-probe-bind-address", o.ProbeAddr}} {
		if err := checkAddr(a.addr); err != nil {
			return fmt.Errorf("%w: --%s %q: %w", ErrUsage, a.flag, a.addr, err)
		}
	}
	if o.MetricsAddr == "0" {
		return nil
	}
	loopback := isLoopback(o.MetricsAddr)
	switch {
	case !secureSet:
		o.MetricsSecure = !loopback
	case !o.MetricsSecure && !loopback:
		return fmt.Errorf("%w: --metrics-bind-address %q is not a loopback address: serving metrics there requires --metrics-secure=true (HTTPS, authenticated and authorized scrapes)",
			ErrUsage, o.MetricsAddr)
	}
	return nil
}

// checkAddr checks a bind address: "0", or host:port with a numeric
// port (0 picks a free one).
func checkAddr(addr string) error {
	if addr == "0" {
		return nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("bad port %q", port)
	}
	return nil
}

// isLoopback reports whether addr's host is a loopback address or
// "localhost"; an empty host (every interface) is not.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Parse parses args with fs, whose output goes to w, and returns
// flag.ErrHelp for -h or --help, an error wrapping ErrUsage for anything
// else the flag package refuses or stray arguments, or nil.
func Parse(fs *flag.FlagSet, args []string, w io.Writer) error {
	fs.SetOutput(w)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", ErrUsage, fs.Args())
	}
	return nil
}

// ParseChecked sets fs's usage (synopsis and what the program does, the
// exit statuses, then the flags), parses args as Parse does, and checks
// the common flags as Check does: what the programs' flag parsing shares.
func (o *Options) ParseChecked(fs *flag.FlagSet, args []string, w io.Writer, synopsis, does string) error {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\n%s\n"+
			"Exit status: 0 when interrupted or for -h, 2 on bad usage, 1 on failure.\n\nFlags:\n", synopsis, does)
		fs.PrintDefaults()
	}
	if err := Parse(fs, args, w); err != nil {
		return err
	}
	return o.Check(fs)
}

// ExitCode is the exit code of a program whose run returned err:
// ExitOK for nil (the program was interrupted and stopped
// cleanly) and flag.ErrHelp, ExitUsage for ErrUsage, ExitFailure otherwise.
func ExitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, ErrUsage):
		return ExitUsage
	default:
		return ExitFailure
	}
}
