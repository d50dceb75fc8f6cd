// Package loop runs a GoBGP v3 speaker whose serve loop can be ended: the
// announcer's, and the benchmarks' plain GoBGP speaker beside it.
//
// GoBGP v3's BgpServer.Serve loops forever: StopBgp stops the sessions
// and listeners but leaves the goroutine running Serve, blocked in its
// select, for the life of the process. A speaker that ran and stopped
// must not leave a goroutine behind, so End ends that loop from inside,
// with GoBGP's own hooks and nothing patched:
//
//  1. after StopBgp, End asks GoBGP to start again with a listener bound
//     to endDevice, a device name that cannot exist (it holds ':');
//  2. GoBGP runs that request on the Serve goroutine, fails to bind the
//     socket and logs the failure through the speaker's logger, which
//     recognises endDevice and arms the loop's end;
//  3. StartBgp returns its error to End; Serve then reports the operation
//     to its timing hook, Observe, which panics with errEnded since the
//     end is armed; the goroutine that runs Serve recovers exactly that
//     value and returns.
//
// Observe is only ever called by Serve, after each operation, so the
// panic cannot unwind any other goroutine; and the end is armed inside the
// failing StartBgp itself, so the operation Observe reports next is that
// one, never an earlier operation still being reported.
package loop

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// Loop is the serve loop of one speaker.
type Loop struct {
	armed atomic.Bool
	done  chan struct{}
}

// endDevice is the device name of the listener that ends the loop.
const endDevice = "vipbgp:end"

// errEnded is the panic value that ends Serve.
var errEnded = errors.New("vipbgp: serve loop ended")

var _ server.FSMTimingHook = (*Loop)(nil)

// Start returns a speaker that logs to log (nil drops every line) and
// runs its serve loop, and the Loop that ends it.
func Start(log gobgplog.Logger) (*server.BgpServer, *Loop) {
	if log == nil {
		log = discard{}
	}
	l := &Loop{done: make(chan struct{})}
	s := server.NewBgpServer(server.LoggerOption(watcher{log, l}), server.TimingHookOption(l))
	go l.serve(s)
	return s, l
}

// Observe is GoBGP's timing hook, called by Serve after each operation.
func (l *Loop) Observe(op server.FSMOperation, _, _ time.Duration) {
	if op == server.FSMMgmtOp && l.armed.Load() {
		panic(errEnded)
	}
}

// serve runs s.Serve until End ends it.
func (l *Loop) serve(s *server.BgpServer) {
	defer close(l.done)
	defer func() {
		if r := recover(); r != nil && r != errEnded { // the sentinel itself, never wrapped
			panic(r)
		}
	}()
	s.Serve()
}

// End ends Serve, once StopBgp has returned, and waits for it.
func (l *Loop) End(ctx context.Context, s *server.BgpServer) error {
	err := s.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn: 1, RouterId: "127.0.0.1", ListenPort: 1,
		ListenAddresses: []string{"127.0.0.1"}, BindToDevice: endDevice,
	}})
	if err == nil {
		return fmt.Errorf("vipbgp: ending GoBGP's loop: the listener on %q was accepted", endDevice)
	}
	select {
	case <-l.done:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("vipbgp: GoBGP's loop did not end (StartBgp: %v)", err)
	}
}

// watcher is the speaker's logger: log's, except that the failed bind to
// endDevice arms the end instead of being logged.
type watcher struct {
	gobgplog.Logger
	l *Loop
}

// Warn arms the end on the failed bind to endDevice, and logs any other
// warning.
func (w watcher) Warn(msg string, fields gobgplog.Fields) {
	if dev, ok := fields["BindToDev"].(string); ok && dev == endDevice {
		w.l.armed.Store(true)
		return
	}
	w.Logger.Warn(msg, fields)
}

// discard drops every line; its level is Info, so that GoBGP skips
// building its debug lines.
type discard struct{}

func (discard) Panic(string, gobgplog.Fields) {}
func (discard) Fatal(string, gobgplog.Fields) {}
func (discard) Error(string, gobgplog.Fields) {}
func (discard) Warn(string, gobgplog.Fields)  {}
func (discard) Info(string, gobgplog.Fields)  {}
func (discard) Debug(string, gobgplog.Fields) {}
func (discard) SetLevel(gobgplog.LogLevel)    {}
func (discard) GetLevel() gobgplog.LogLevel   { return gobgplog.InfoLevel }
