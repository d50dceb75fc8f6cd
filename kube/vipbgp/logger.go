package vipbgp

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/go-logr/logr"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
)

// logger hands GoBGP's log lines to a logr.Logger: errors as errors,
// warnings and informational lines at V(0) and V(1), debug lines at V(2).
// It also keeps each peer's last "Peer Down" reason for Peers.
type logger struct {
	log   logr.Logger
	level atomic.Uint32

	mu   sync.Mutex
	down map[string]string // peer address -> last reason its session went down
}

var _ gobgplog.Logger = (*logger)(nil)

func newLogger(l logr.Logger) *logger {
	g := &logger{log: l.WithName("gobgp"), down: map[string]string{}}
	g.level.Store(uint32(gobgplog.InfoLevel))
	return g
}

// kv flattens GoBGP's fields into logr's key/value pairs, sorted by key.
func kv(fields gobgplog.Fields) []any {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, k, fields[k])
	}
	return out
}

// Panic logs an error; it does not panic, as nothing here may crash the
// controller embedding the speaker.
func (g *logger) Panic(msg string, fields gobgplog.Fields) { g.Error(msg, fields) }

// Fatal logs an error; it does not exit.
func (g *logger) Fatal(msg string, fields gobgplog.Fields) { g.Error(msg, fields) }

// Error logs msg as an error.
func (g *logger) Error(msg string, fields gobgplog.Fields) {
	g.log.Error(fmt.Errorf("%s", msg), "GoBGP error", kv(fields)...)
}

// Warn logs msg at V(0).
func (g *logger) Warn(msg string, fields gobgplog.Fields) {
	g.log.Info(msg, kv(fields)...)
}

// Info logs msg at V(1), sessions going up or down at V(0), and records
// why a peer went down.
func (g *logger) Info(msg string, fields gobgplog.Fields) {
	if msg == "Peer Down" || msg == "Peer Up" {
		if key, ok := fields["Key"].(string); ok && msg == "Peer Down" {
			reason, _ := fields["Reason"].(string)
			g.mu.Lock()
			g.down[key] = reason
			g.mu.Unlock()
		}
		g.log.Info(msg, kv(fields)...)
		return
	}
	if l := g.log.V(1); l.Enabled() { // kv sorts: not for a line nobody reads
		l.Info(msg, kv(fields)...)
	}
}

// Debug logs msg at V(2).
func (g *logger) Debug(msg string, fields gobgplog.Fields) {
	if l := g.log.V(2); g.level.Load() >= uint32(gobgplog.DebugLevel) && l.Enabled() {
		l.Info(msg, kv(fields)...)
	}
}

// SetLevel sets the level GetLevel reports.
func (g *logger) SetLevel(level gobgplog.LogLevel) { g.level.Store(uint32(level)) }

// GetLevel reports the level, which GoBGP consults before costly lines.
func (g *logger) GetLevel() gobgplog.LogLevel { return gobgplog.LogLevel(g.level.Load()) }

// lastDown is the reason the session with addr last went down, if any.
func (g *logger) lastDown(addr string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.down[addr]
}
