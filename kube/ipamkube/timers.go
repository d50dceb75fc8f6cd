package ipamkube

import (
	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// timerKey is one retry slot of an owner. It carries no data: when it
// fires, the machine (for one of its kinds) or the pending status (for
// the adapter's own flush retry) says what to write then. A new retry of
// the same slot replaces the scheduled one.
type timerKey struct {
	key string
	// kind is the machine's kind to retry (ipam.RetryDue); unset for a
	// flush.
	kind ipam.Kind
	// flush: the adapter's own retry of a status write that carried only
	// conditions (no WriteStatus, so no Applied the machine could retry
	// on).
	flush bool
}

// flushKey is the slot of the adapter's own retry of key's status write.
func flushKey(key string) timerKey { return timerKey{key: key, flush: true} }

// retryKinds are the machine's kinds an owner may have a retry of.
var retryKinds = [...]ipam.Kind{ipam.WriteStatus, ipam.EnsureDependency, ipam.Lookup}

// forgetOwner drops every retry of the owner at key, which is gone.
func forgetOwner(t *loop.Timers[timerKey], key string) {
	t.Forget(flushKey(key))
	for _, k := range retryKinds {
		t.Forget(timerKey{key: key, kind: k})
	}
}
