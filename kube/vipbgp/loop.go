package vipbgp

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

// GoBGP v3's BgpServer.Serve loops forever: StopBgp stops the sessions
// and listeners but leaves the goroutine running Serve, blocked in its
// select, for the life of the process. An announcer that ran and stopped
// must not leave a goroutine behind, so loopEnd ends that loop from
// inside, with GoBGP's own hooks and nothing patched:
//
//  1. after StopBgp, stop asks GoBGP to start again with a listener bound
//     to endDevice, a device name that cannot exist (it holds ':');
//  2. GoBGP runs that request on the Serve goroutine, fails to bind the
//     socket and logs the failure through our logger, which recognises
//     endDevice and arms the loop's end;
//  3. StartBgp returns its error to us; Serve then reports the operation
//     to its timing hook, Observe, which panics with errLoopEnded since
//     the end is armed; the goroutine that runs Serve recovers exactly
//     that value and returns.
//
// Observe is only ever called by Serve, after each operation, so the
// panic cannot unwind any other goroutine; and the end is armed inside the
// failing StartBgp itself, so the operation Observe reports next is that
// one, never an earlier operation still being reported.
type loopEnd struct {
	armed atomic.Bool
	done  chan struct{}
}

// endDevice is the device name of the listener that ends the loop.
const endDevice = "vipbgp:end"

// errLoopEnded is the panic value that ends Serve.
var errLoopEnded = errors.New("vipbgp: serve loop ended")

var _ server.FSMTimingHook = (*loopEnd)(nil)

func newLoopEnd() *loopEnd { return &loopEnd{done: make(chan struct{})} }

// Observe is GoBGP's timing hook, called by Serve after each operation.
func (e *loopEnd) Observe(op server.FSMOperation, _, _ time.Duration) {
	if op == server.FSMMgmtOp && e.armed.Load() {
		panic(errLoopEnded)
	}
}

// asked reports whether a warning is the failed bind to endDevice, and
// arms the end if so.
func (e *loopEnd) asked(msg string, fields gobgplog.Fields) bool {
	if dev, ok := fields["BindToDev"].(string); ok && dev == endDevice {
		e.armed.Store(true)
		return true
	}
	return false
}

// serve runs s.Serve until stop ends it.
func (e *loopEnd) serve(s *server.BgpServer) {
	defer close(e.done)
	defer func() {
		if r := recover(); r != nil && r != errLoopEnded { // the sentinel itself, never wrapped
			panic(r)
		}
	}()
	s.Serve()
}

// stop ends Serve, once StopBgp has returned, and waits for it.
func (e *loopEnd) stop(ctx context.Context, s *server.BgpServer) error {
	err := s.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn: 1, RouterId: "127.0.0.1", ListenPort: 1,
		ListenAddresses: []string{"127.0.0.1"}, BindToDevice: endDevice,
	}})
	if err == nil {
		return fmt.Errorf("vipbgp: ending GoBGP's loop: the listener on %q was accepted", endDevice)
	}
	select {
	case <-e.done:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("vipbgp: GoBGP's loop did not end (StartBgp: %v)", err)
	}
}
