package cni

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/meshstate/meshstate/retry"
)

// DefaultWaitingAfter is the number of failed searches after which the
// machine says it is still waiting: the point where the field's route
// agent gave up for good (12 tries, incident 002).
const DefaultWaitingAfter = 12

// retryKey names the work in retry.Schedule.Delay's jitter.
const retryKey = "cni/discovery"

// DefaultSchedule is the field's backoff (4 s, ×1.2), capped at one minute
// instead of ending after 12 tries, with ±10% jitter.
func DefaultSchedule() retry.Schedule {
	return retry.Schedule{Initial: 4 * time.Second, Max: time.Minute, Multiplier: 1.2, Jitter: 0.1}
}

// Config configures a Machine.
type Config struct {
	// PodCIDRs are the cluster's pod CIDRs: valid, masked, non-overlapping,
	// at least one. IPv4 and IPv6 may be mixed.
	PodCIDRs []netip.Prefix `json:"podCIDRs"`
	// Retry schedules the relists while no interface matches; zero means
	// DefaultSchedule(). It is capped and never ends.
	Retry retry.Schedule `json:"retry,omitzero"`
	// WaitingAfter is the number of failed searches after which a Waiting
	// effect says what the machine waits for; 0 means DefaultWaitingAfter.
	WaitingAfter int `json:"waitingAfter,omitempty"`
}

// Machine discovers the CNI interface and keeps it current. It never
// reaches a terminal failure: after every accepted event it either holds a
// discovered interface or has a RetryAfter pending. The discovered
// interface is always Choose over the links it knows, so a better or
// changed one is reported at once, on the event that caused it.
//
// A Machine is a plain value without goroutines, clock or I/O; it is not
// safe for concurrent use.
type Machine struct {
	cfg   Config
	links map[int]*linkState
	// cands are the known links holding a pod-CIDR address, best the one
	// Choose would pick among them (0: none); see index.go.
	cands map[int]struct{}
	best  int
	ready bool
	// current is the interface last reported Discovered, if has.
	current Choice
	has     bool
	// attempts counts failed searches since the last discovery.
	attempts int
	// pending: a RetryAfter is outstanding (the next Snapshot answers it).
	pending bool
	// waiting is the reason of the last Waiting effect, "" if none since
	// the last discovery.
	waiting string
}

// linkState is a link, or only addresses of an index whose link has not
// been reported yet (known false).
type linkState struct {
	name  string
	up    bool
	known bool
	addrs []netip.Prefix
	// match is the lowest pod-CIDR address in addrs, if any (index.go).
	match netip.Prefix
}

// New validates cfg and returns a machine that knows no links yet.
func New(cfg Config) (*Machine, error) {
	if err := validateCIDRs(cfg.PodCIDRs); err != nil {
		return nil, err
	}
	if cfg.Retry == (retry.Schedule{}) {
		cfg.Retry = DefaultSchedule()
	}
	if err := cfg.Retry.Validate(); err != nil {
		return nil, &RejectedError{Field: "retry", Reason: err.Error(), Err: ErrInvalidConfig}
	}
	switch {
	case cfg.WaitingAfter < 0:
		return nil, rejectf(ErrInvalidConfig, "waitingAfter", "%d is negative", cfg.WaitingAfter)
	case cfg.WaitingAfter == 0:
		cfg.WaitingAfter = DefaultWaitingAfter
	}
	cfg.PodCIDRs = slices.Clone(cfg.PodCIDRs)
	return &Machine{cfg: cfg, links: map[int]*linkState{}, cands: map[int]struct{}{}}, nil
}

// Step applies one event and returns the effects it causes, in order. A
// rejected event returns an error wrapping one of the package's sentinels
// and leaves the machine unchanged.
func (m *Machine) Step(ev Event) ([]Effect, error) { return m.AppendStep(nil, ev) }

// AppendStep is Step appending the effects to dst; on error dst is returned
// unchanged.
func (m *Machine) AppendStep(dst []Effect, ev Event) ([]Effect, error) {
	if err := validate(ev); err != nil {
		return dst, err
	}
	relist := false
	switch ev := ev.(type) {
	case NodeReady:
		m.ready = ev.Ready
	case Snapshot:
		m.replace(ev.Links)
		m.reindex()
		relist = true
	case LinkChanged:
		s := m.state(ev.Link.Index)
		wasUp := s.up
		s.name, s.up, s.known = ev.Link.Name, ev.Link.Up, true
		m.touch(ev.Link.Index, s, wasUp)
	case LinkRemoved:
		if s := m.links[ev.Index]; s != nil {
			delete(m.links, ev.Index)
			m.touch(ev.Index, nil, s.up)
		}
	case AddrAdded:
		s := m.state(ev.Index)
		if !slices.Contains(s.addrs, ev.Address) {
			s.addrs = append(s.addrs, ev.Address)
			m.touch(ev.Index, s, s.up)
		}
	case AddrRemoved:
		if s := m.links[ev.Index]; s != nil {
			s.addrs = slices.DeleteFunc(s.addrs, func(p netip.Prefix) bool { return p == ev.Address })
			if !s.known && len(s.addrs) == 0 {
				delete(m.links, ev.Index)
				s = nil
			}
			m.touch(ev.Index, s, s != nil && s.up)
		}
	}
	return m.settle(dst, relist), nil
}

func (m *Machine) state(index int) *linkState {
	s := m.links[index]
	if s == nil {
		s = &linkState{}
		m.links[index] = s
	}
	return s
}

func (m *Machine) replace(links []Link) {
	clear(m.links)
	for _, l := range links {
		m.links[l.Index] = &linkState{name: l.Name, up: l.Up, known: true, addrs: slices.Clone(l.Addrs)}
	}
}

// settle compares the choice over the current links with the one last
// reported, and makes sure a search that failed is retried. relist says the
// event answered the pending retry.
func (m *Machine) settle(out []Effect, relist bool) []Effect {
	if relist {
		m.pending = false
	}
	c, ok := m.choice()
	switch {
	case ok && (!m.has || c != m.current):
		m.current, m.has = c, true
		m.attempts, m.pending, m.waiting = 0, false, ""
		return append(out, Effect{Kind: Discovered, Interface: c.Interface, Index: c.Index, Address: c.Address})
	case ok:
		return out
	case m.has:
		out = append(out, Effect{Kind: Lost, Interface: m.current.Interface, Index: m.current.Index})
		m.current, m.has, m.attempts = Choice{}, false, 0
	}
	if !m.pending {
		d := m.cfg.Retry.Delay(retryKey, m.attempts)
		m.attempts++
		m.pending = true
		out = append(out, Effect{Kind: RetryAfter, Delay: d, Attempt: m.attempts})
	}
	if m.attempts >= m.cfg.WaitingAfter {
		reason := ReasonNoInterface
		if !m.ready {
			reason = ReasonNodeNotReady
		}
		if reason != m.waiting {
			m.waiting = reason
			out = append(out, Effect{Kind: Waiting, Attempt: m.attempts, Reason: reason, Message: m.waitingMessage()})
		}
	}
	return out
}

func (m *Machine) waitingMessage() string {
	cidrs := make([]string, len(m.cfg.PodCIDRs))
	for i, p := range m.cfg.PodCIDRs {
		cidrs[i] = p.String()
	}
	msg := fmt.Sprintf("no link holds an address in %s after %d attempts; still retrying",
		strings.Join(cidrs, " or "), m.attempts)
	if !m.ready {
		msg = "node not Ready; " + msg
	}
	return msg
}
