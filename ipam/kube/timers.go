package kube

import (
	"github.com/meshstate/meshstate/internal/loop"
	"github.com/meshstate/meshstate/ipam"
)

// kindFlush is the adapter's own retry of a status write that carried
// only conditions (no WriteStatus, so no Applied the machine could retry
// on). It sits beside the machine's kinds in timer keys.
const kindFlush ipam.Kind = 0

// timerKey is one retry slot: an owner and what to retry. It carries no
// data: when it fires the machine (or, for kindFlush, the pending
// status) says what to write then. A new retry of the same slot
// replaces the scheduled one.
type timerKey struct {
	key  string
	kind ipam.Kind
}

// timerKinds are the kinds an owner may have a retry of.
var timerKinds = [...]ipam.Kind{kindFlush, ipam.WriteStatus, ipam.EnsureDependency, ipam.Lookup}

// forgetOwner drops every retry of the owner at key, which is gone.
func forgetOwner(t *loop.Timers[timerKey], key string) {
	for _, k := range timerKinds {
		t.Forget(timerKey{key, k})
	}
}
