package icmp

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/vishvananda/netns"
	xicmp "golang.org/x/net/icmp"
)

// Config configures a Pool.
type Config struct {
	// Interval is the time between two echo requests of one prober; it must
	// be positive.
	Interval time.Duration
	// Timeout is how long a probe waits for its reply before it is reported
	// Lost; it must be positive, and may exceed Interval, in which case
	// several probes of a prober are outstanding at once.
	Timeout time.Duration
	// Namespace is the network namespace the socket is opened in, and so
	// the one probes are sent from. Zero or netns.None() means the
	// namespace of the thread that calls Run. The Pool does not close it.
	Namespace netns.NsHandle
	// Results is told the outcome of every probe; it is required. It runs
	// on the prober's goroutine, so calls for one key are serialized and a
	// slow Results delays only that key's probes; calls for different keys
	// may run concurrently. It may call Start and Stop.
	Results func(Result)
}

// Result is the outcome of one probe.
type Result struct {
	// Key and Generation are those given to Start, so that a result of a
	// replaced or retired prober can be told from its successor's.
	Key string
	// Generation is the prober's generation, as given to Start.
	Generation uint64
	// Seq numbers the prober's probes from 1 and never wraps, so a
	// consumer can drop duplicates and late reports by comparing it with the
	// last one taken, as the health machine does. (The 16-bit ICMP sequence
	// on the wire is its low bits.)
	Seq uint64
	// Sent is when the request was handed to the kernel.
	Sent time.Time
	// Received is when the reply was read; zero when Lost.
	Received time.Time
	// Lost is true when no reply came within Timeout, or the request could
	// not be sent (Err then says why).
	Lost bool
	// Err is the send error of a probe that never left; nil otherwise.
	Err error
}

// RTT is the round-trip time of an answered probe, zero for a lost one.
func (r Result) RTT() time.Duration {
	if r.Lost || r.Received.IsZero() {
		return 0
	}
	return r.Received.Sub(r.Sent)
}

// maxProbers is the number of ICMP identifiers: each live prober holds one.
const maxProbers = 1 << 16

// Pool runs one prober per endpoint key over a shared socket. Its methods
// are safe for concurrent use.
type Pool struct {
	cfg Config

	// mu guards everything below. It is never held while calling Results
	// or doing I/O.
	mu      sync.Mutex
	probers map[string]*prober
	byID    map[int]*prober
	nextID  int
	started bool
	stopped bool
	socks   *sockets        // nil until Run has opened them
	done    <-chan struct{} // Run's ctx.Done(); nil before Run
	wg      sync.WaitGroup  // prober goroutines
}

// socket is the pool's raw socket of one family. The ICMPv6 one may be
// missing (IPv6 disabled in the kernel): conn is then nil and err says why.
type socket struct {
	f    family
	conn *xicmp.PacketConn
	err  error
}

// sockets are the pool's sockets, one per family.
type sockets struct{ v4, v6 socket }

// forAddr is the socket that probes ip.
func (s *sockets) forAddr(ip netip.Addr) *socket {
	if ip.Is4() {
		return &s.v4
	}
	return &s.v6
}

// open lists the sockets that were opened.
func (s *sockets) open() []*socket {
	out := []*socket{&s.v4}
	if s.v6.conn != nil {
		out = append(out, &s.v6)
	}
	return out
}

// unusable is the error a probe through s reports instead of being sent,
// or nil when s is open.
func (s *socket) unusable(ip netip.Addr) error {
	if s.conn != nil {
		return nil
	}
	return fmt.Errorf("%w: %v: no ICMPv6 socket: %w", ErrUnsupportedAddr, ip, s.err)
}

// New validates cfg and returns a pool that probes nothing until Start and
// Run are called.
func New(cfg Config) (*Pool, error) {
	switch {
	case cfg.Interval <= 0:
		return nil, fmt.Errorf("%w: Interval %v is not positive", ErrInvalidConfig, cfg.Interval)
	case cfg.Timeout <= 0:
		return nil, fmt.Errorf("%w: Timeout %v is not positive", ErrInvalidConfig, cfg.Timeout)
	case cfg.Results == nil:
		return nil, fmt.Errorf("%w: nil Results", ErrInvalidConfig)
	}
	return &Pool{
		cfg:     cfg,
		probers: make(map[string]*prober),
		byID:    make(map[int]*prober),
		// Identifiers start at the process ID, as ping's do, so that pools
		// of different processes in one namespace rarely share one; a
		// shared one is still harmless, since replies are also checked by
		// source address and sequence number.
		nextID: os.Getpid() % maxProbers,
	}, nil
}

// Start makes key probed at ip, tagging its results with generation. It is
// idempotent: if key is already probed with the same generation and
// address, nothing changes. With another generation or address, the old
// prober is stopped and a new one, with a fresh sequence and identifier,
// takes its place. Before Run, the prober waits for it. After Run's context
// is done, Start returns ErrStopped.
//
// IPv6 addresses are probed with ICMPv6 echoes. Where the kernel has no
// IPv6, each of their probes is reported Lost with an Err wrapping
// ErrUnsupportedAddr, so that the health machine sees an endpoint it cannot
// reach instead of one that is silently never probed.
func (p *Pool) Start(key string, generation uint64, ip netip.Addr) error {
	if key == "" {
		return ErrInvalidKey
	}
	ip = ip.Unmap()
	if !ip.IsValid() {
		return fmt.Errorf("%w: no address for key %q", ErrUnsupportedAddr, key)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return ErrStopped
	}
	old, ok := p.probers[key]
	if ok && old.gen == generation && old.ip == ip {
		return nil
	}
	if ok {
		p.retire(old)
	}
	if len(p.byID) >= maxProbers {
		return fmt.Errorf("%w: %d", ErrTooManyProbers, maxProbers)
	}
	for p.byID[p.nextID] != nil {
		p.nextID = (p.nextID + 1) % maxProbers
	}
	pr := newProber(key, generation, ip, p.nextID)
	p.nextID = (p.nextID + 1) % maxProbers
	p.probers[key] = pr
	p.byID[pr.id] = pr
	if p.socks != nil {
		p.launch(pr)
	}
	return nil
}

// Stop stops probing key; an unknown key is ignored, so that a repeated
// stop effect is harmless. It does not wait for the prober's goroutine:
// outstanding probes are dropped unreported, and a Results call already in
// progress for key may still complete after Stop returns, but no other one
// starts.
func (p *Pool) Stop(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr, ok := p.probers[key]; ok {
		p.retire(pr)
	}
}

// Keys returns the keys being probed, in no particular order, for metrics
// and tests.
func (p *Pool) Keys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.probers))
	for k := range p.probers {
		out = append(out, k)
	}
	return out
}

// retire removes pr and tells its goroutine, if any, to exit. p.mu is held.
func (p *Pool) retire(pr *prober) {
	delete(p.probers, pr.key)
	delete(p.byID, pr.id)
	close(pr.stop)
}

// launch starts pr's goroutine. p.mu is held and Run is running.
func (p *Pool) launch(pr *prober) {
	socks, done := p.socks, p.done
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		pr.run(socks, done, p.cfg)
	}()
}

// Run opens the sockets in the configured namespace, starts the probers
// started so far and those started later, and probes until ctx is done.
// It then stops every prober, closes the sockets, waits for all its
// goroutines to exit and returns nil. If the ICMPv4 socket cannot be
// opened, or reading from either fails, Run stops the same way and returns
// an error wrapping ErrSocket; the caller may then build a new Pool. (An
// ICMPv6 socket that cannot be opened only fails IPv6 probes: see Start.)
// A Pool runs only once; another call returns ErrAlreadyRun.
func (p *Pool) Run(ctx context.Context) error {
	p.mu.Lock()
	if p.started {
		p.mu.Unlock()
		return ErrAlreadyRun
	}
	p.started = true
	p.mu.Unlock()

	socks := &sockets{v4: socket{f: v4}, v6: socket{f: v6}}
	var err error
	if socks.v4.conn, err = listen(p.cfg.Namespace, v4); err != nil {
		p.shutdown()
		return fmt.Errorf("%w: open: %w", ErrSocket, err)
	}
	socks.v6.conn, socks.v6.err = listen(p.cfg.Namespace, v6)
	readers := socks.open()
	p.mu.Lock()
	p.socks, p.done = socks, ctx.Done()
	for _, pr := range p.probers {
		p.launch(pr)
	}
	p.mu.Unlock()

	readErr := make(chan error, len(readers))
	for _, r := range readers {
		go func() { readErr <- p.read(r) }()
	}
	select {
	case <-ctx.Done():
	case err = <-readErr:
		err = fmt.Errorf("%w: read: %w", ErrSocket, err)
	}
	p.shutdown()
	// Closing the sockets is what unblocks the readers; probers still
	// sending get net.ErrClosed and exit on their stop channel.
	for _, r := range readers {
		r.conn.Close()
	}
	// Collect the readers still running (all of them, unless one failed).
	pending := len(readers)
	if err != nil {
		pending--
	}
	for range pending {
		if rerr := <-readErr; rerr != nil && err == nil {
			err = fmt.Errorf("%w: read: %w", ErrSocket, rerr)
		}
	}
	p.wg.Wait()
	return err
}

// shutdown marks the pool stopped and retires every prober, so that no
// goroutine is launched after Run starts waiting for them.
func (p *Pool) shutdown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	for _, pr := range p.probers {
		p.retire(pr)
	}
}

// read hands the echo replies that reach s to their probers until s is
// closed, then returns nil; any other read error is returned.
func (p *Pool) read(s *socket) error {
	buf := make([]byte, 1500)
	for {
		n, addr, err := s.conn.ReadFrom(buf)
		at := time.Now()
		if err != nil {
			if isClosed(err) {
				return nil
			}
			return err
		}
		id, seq, ok := parseReply(s.f, buf[:n])
		if !ok {
			continue
		}
		p.mu.Lock()
		pr := p.byID[id]
		p.mu.Unlock()
		if pr == nil {
			continue
		}
		from := sourceAddr(addr)
		if from != pr.ip {
			continue
		}
		// Never block the reader on one slow prober: a reply dropped here
		// is reported Lost when its probe times out.
		select {
		case pr.replies <- reply{seq: seq, from: from, at: at}:
		default:
		}
	}
}
