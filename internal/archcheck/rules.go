package archcheck

// PureMachine returns the rules for meshstate's pure state-machine packages
// (a machine is a plain value: no goroutines, no clock, no randomness, no
// I/O, so that replaying its events replays its decisions).
//
// I/O libraries are banned transitively, since importing a helper that
// talks to the kernel or the API server is I/O all the same. net/http is
// banned as a direct import only: k8s.io/apimachinery, which the design
// picks for machines (conditions, API error reasons), depends on it. Randomness and
// the os, syscall and unsafe packages are banned as direct imports only,
// because the standard library itself uses them underneath pure code (fmt
// imports os). The clock is banned by reference, because the time package
// is needed for its types: events carry time as a value.
//
// Beyond the design's list, crypto/rand, golang.org/x/sys, os's
// subpackages and context's deadline constructors are banned for the same
// reasons: they are randomness, system calls and the clock under other names.
func PureMachine() Rules {
	const (
		io    = "a machine does no I/O; adapters do it and report back with events"
		rnd   = "a machine is deterministic; take jitter from a seeded source in the config"
		clock = "a machine reads no clock; events carry their time (At time.Time)"
	)
	return Rules{
		Deps: []Ban{
			{"github.com/vishvananda/netlink/...", io},
			{"github.com/vishvananda/netns/...", io},
			{"k8s.io/client-go/...", io},
			{"sigs.k8s.io/controller-runtime/...", io},
			{"os/exec", io},
		},
		Imports: []Ban{
			// Direct only: apimachinery's metav1 (conditions) and apierrors
			// import net/http for its status constants, and machines use them.
			{"net/http", io},
			{"math/rand/...", rnd}, // math/rand and math/rand/v2
			{"crypto/rand", rnd},
			{"os/...", io},
			{"syscall", io},
			{"golang.org/x/sys/...", io},
			{"unsafe", "a machine is a plain value; unsafe memory tricks belong nowhere near it"},
		},
		Refs: []RefBan{
			{Path: "time", Names: []string{"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"}, Why: clock},
			{Path: "context", Names: []string{"WithTimeout", "WithTimeoutCause", "WithDeadline", "WithDeadlineCause"}, Why: clock},
		},
		NoGoroutines: "a machine is a plain value; the adapter owns every goroutine",
	}
}
