package icmp

import (
	"net"
	"net/netip"
	"time"
)

// replyBuffer is how many replies the reader may queue for one prober
// before it drops them; a prober drains its queue between sends, so this
// only matters if Results stalls.
const replyBuffer = 16

// prober probes one key. Its fields are fixed at creation; the goroutine
// that runs it owns all other state.
type prober struct {
	key     string
	gen     uint64
	ip      netip.Addr
	id      int
	replies chan reply
	stop    chan struct{} // closed by Pool.retire
}

func newProber(key string, gen uint64, ip netip.Addr, id int) *prober {
	return &prober{
		key: key, gen: gen, ip: ip, id: id,
		replies: make(chan reply, replyBuffer),
		stop:    make(chan struct{}),
	}
}

// outstanding is a probe sent and not yet answered or expired.
type outstanding struct {
	seq  uint64
	sent time.Time
}

// run sends a probe at once and then every cfg.Interval, and reports each
// outcome, until pr is stopped or done is closed.
func (pr *prober) run(socks *sockets, done <-chan struct{}, cfg Config) {
	ticker := time.NewTicker(cfg.Interval)
	defer ticker.Stop()
	timer := time.NewTimer(cfg.Timeout)
	defer timer.Stop()
	dst := &net.IPAddr{IP: pr.ip.AsSlice(), Zone: pr.ip.Zone()}
	sock := socks.forAddr(pr.ip)
	unusable := sock.unusable(pr.ip)
	// pending is in sending order, which is also deadline order, because
	// every probe has the same Timeout.
	var pending []outstanding
	var seq uint64

	report := func(r Result) bool {
		// A prober stopped while it was waiting reports nothing more: its
		// key has been retired or handed to a new generation.
		select {
		case <-pr.stop:
			return false
		case <-done:
			return false
		default:
		}
		r.Key, r.Generation = pr.key, pr.gen
		cfg.Results(r)
		return true
	}
	send := func() bool {
		seq++
		b, err := marshalEcho(sock.f, pr.id, wireSeq(seq))
		sent := time.Now()
		if unusable != nil {
			err = unusable
		}
		if err == nil {
			_, err = sock.conn.WriteTo(b, dst)
		}
		if err != nil {
			return report(Result{Seq: seq, Sent: sent, Lost: true, Err: err})
		}
		pending = append(pending, outstanding{seq: seq, sent: sent})
		return true
	}

	if !send() {
		return
	}
	for {
		var expire <-chan time.Time
		if len(pending) > 0 {
			timer.Reset(time.Until(pending[0].sent.Add(cfg.Timeout)))
			expire = timer.C
		}
		select {
		case <-done:
			return
		case <-pr.stop:
			return
		case <-ticker.C:
			if !send() {
				return
			}
		case r := <-pr.replies:
			for i, o := range pending {
				if wireSeq(o.seq) != r.seq {
					continue
				}
				pending = append(pending[:i], pending[i+1:]...)
				if !report(Result{Seq: o.seq, Sent: o.sent, Received: r.at}) {
					return
				}
				break
			}
		case now := <-expire:
			for len(pending) > 0 && !pending[0].sent.Add(cfg.Timeout).After(now) {
				o := pending[0]
				pending = pending[1:]
				if !report(Result{Seq: o.seq, Sent: o.sent, Lost: true}) {
					return
				}
			}
		}
	}
}

// wireSeq is the ICMP sequence number of a prober's probe seq.
func wireSeq(seq uint64) int { return int(seq % maxProbers) }
