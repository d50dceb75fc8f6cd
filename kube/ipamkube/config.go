package ipamkube

import (
	"fmt"
	"io"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection"

	"github.com/meshstate/meshstate/ipam"
)

// Config configures an Adapter. REST and Machine.Prefixes are required;
// every other field has a default.
type Config struct {
	// REST reaches the API server. The adapter copies it and sets its own
	// warning handler; the caller's QPS and Burst are kept, so set them
	// for the load you expect (client-go's defaults, 5 and 10, are too low
	// for more than a few hundred owners).
	REST *rest.Config
	// Machine configures the allocator: the pool's prefixes, the retry
	// schedules, ReleaseOnNotFound.
	Machine ipam.Config
	// Namespace limits the adapter to one namespace's GlobalIPs and
	// Services; empty means all namespaces.
	Namespace string
	// ServicePorts are the ports of the internal Services. A ClusterIP
	// Service needs at least one (a headless one would have its external
	// IPs ignored); the default is one TCP port 80 named "globalip".
	ServicePorts []corev1.ServicePort
	// ServiceAddresses says where the internal Services carry their
	// owners' addresses: ExternalIPs (the default: spec.externalIPs, as
	// Submariner's globalnet has them) or AnnotationOnly (see the package
	// doc).
	ServiceAddresses ServiceAddresses
	// Workers is how many API requests the adapter makes at once; 16 by
	// default. One owner never has two requests of a kind (status write,
	// Service write, lookup) under way at once.
	Workers int
	// LeaderElection, when set, makes Run campaign for a Lease and run the
	// allocator only while holding it. Leave it nil only when a single
	// replica can ever run.
	LeaderElection *LeaderElection
	// Logger receives the adapter's logs; logr.Discard() by default.
	Logger logr.Logger
	// Trace, when set, receives every event fed to the machine, one JSON
	// line each (ipam.UnmarshalEvent reads them back), for replay.
	Trace io.Writer
	// Clock gives the times of events; time.Now, in UTC and without its
	// monotonic reading, by default. Tests inject their own.
	Clock func() time.Time
}

// LeaderElection configures the Lease that keeps two replicas from
// allocating at once.
//
// Safety rests on client-go's timing: a leader that cannot renew within
// RenewDeadline stops (its term's context is cancelled, its requests are
// aborted and Run returns ErrLeadershipLost), and a candidate takes over
// only after LeaseDuration without seeing the Lease renewed; so
// LeaseDuration minus RenewDeadline must exceed the clock skew between
// replicas. The adapter releases the Lease (with ReleaseOnCancel) only
// after its term has stopped, so a successor never overlaps it.
type LeaderElection struct {
	// Namespace and Name locate the Lease.
	Namespace, Name string
	// Identity names this replica in the Lease; it must be unique among
	// the replicas (a pod name, say).
	Identity string
	// LeaseDuration, RenewDeadline and RetryPeriod are client-go's
	// timings; 15s, 10s and 2s by default.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// ReleaseOnCancel gives the Lease up when Run's context is done, so a
	// successor need not wait out LeaseDuration.
	ReleaseOnCancel bool
}

// Defaults of Config and LeaderElection.
const (
	DefaultWorkers       = 16
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// defaultServicePorts is the one port of an internal Service by default.
func defaultServicePorts() []corev1.ServicePort {
	return []corev1.ServicePort{{Name: "globalip", Protocol: corev1.ProtocolTCP, Port: 80}}
}

func defaultClock() time.Time { return time.Now().UTC().Round(0) }

// withDefaults checks c and fills in its defaults. The machine's own
// configuration is checked by ipam.New.
func (c Config) withDefaults() (Config, error) {
	invalid := func(field, reason string) (Config, error) {
		return c, fmt.Errorf("%w: %s: %s", ErrInvalidConfig, field, reason)
	}
	switch {
	case c.REST == nil:
		return invalid("REST", "required")
	case c.Workers < 0:
		return invalid("Workers", "negative")
	case c.ServiceAddresses > AnnotationOnly:
		return invalid("ServiceAddresses", c.ServiceAddresses.String())
	}
	if _, err := ipam.New(c.Machine); err != nil {
		return invalid("Machine", err.Error())
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if len(c.ServicePorts) == 0 {
		c.ServicePorts = defaultServicePorts()
	}
	if c.Logger.GetSink() == nil {
		c.Logger = logr.Discard()
	}
	if c.Clock == nil {
		c.Clock = defaultClock
	}
	if le := c.LeaderElection; le != nil {
		l := *le
		switch {
		case l.Namespace == "" || l.Name == "":
			return invalid("LeaderElection", "Namespace and Name are required")
		case l.Identity == "":
			return invalid("LeaderElection.Identity", "required")
		}
		if l.LeaseDuration == 0 {
			l.LeaseDuration = DefaultLeaseDuration
		}
		if l.RenewDeadline == 0 {
			l.RenewDeadline = DefaultRenewDeadline
		}
		if l.RetryPeriod == 0 {
			l.RetryPeriod = DefaultRetryPeriod
		}
		// client-go's own rule: renewals are retried every RetryPeriod,
		// jittered by up to JitterFactor, within RenewDeadline.
		jittered := time.Duration(leaderelection.JitterFactor * float64(l.RetryPeriod))
		if l.RetryPeriod < 0 || l.RenewDeadline <= jittered || l.LeaseDuration <= l.RenewDeadline {
			return invalid("LeaderElection", fmt.Sprintf("need 0 < RetryPeriod (%v) x %v < RenewDeadline (%v) < LeaseDuration (%v)",
				l.RetryPeriod, leaderelection.JitterFactor, l.RenewDeadline, l.LeaseDuration))
		}
		c.LeaderElection = &l
	}
	return c, nil
}
