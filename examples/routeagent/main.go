// Command routeagent wires meshstate's machines into a small route agent and
// runs it against a real kernel: it creates two network namespaces, a
// "gateway" side and a "remote" side joined by a veth pair, and in the
// gateway namespace
//
//   - discovers the CNI interface with cni/kernel (a VXLAN device standing in
//     for the CNI's, which receives its pod-CIDR address only after the agent
//     has started, so it is found on the address event);
//   - feeds a remote cluster's gateway Endpoint, then a gateway restart (a
//     new endpoint in the same second with a higher Sequence, then the old
//     one's deletion: incident 000) to an endpoint.Machine;
//   - turns the RemoteEndpointCreated/Removed notifications into the desired
//     state of routes/kernel, which applies it in table 150, protocol 250;
//   - shows that the stale endpoint's deletion removed no route, and that
//     routes deleted by a third party are restored by routes/kernel's Run.
//
// It prints every step and what the kernel holds, and removes the namespaces
// when it ends. It needs root (network namespaces, netlink writes):
//
//	sudo -E env "PATH=$PATH" go run ./examples/routeagent
//
// Run without root it says so and exits 2: being an example, it does not
// fake a run it could not do. It exits 1 if the run fails, and gives up
// after 10 seconds.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// exitNeedsRoot is the exit status when the program cannot run here.
const exitNeedsRoot = 2

func main() {
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, `routeagent: this example needs root (it creates network namespaces); run it with: sudo -E env "PATH=$PATH" go run ./examples/routeagent`)
		os.Exit(exitNeedsRoot)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := run(ctx, os.Stdout)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "routeagent: %v\n", err)
		os.Exit(1)
	}
}

// run is the whole program: it builds the namespaces, runs the agent in
// them, prints what it did and removes them.
func run(ctx context.Context, w io.Writer) error {
	res, err := demo(ctx, w)
	if err != nil {
		return err
	}
	if !res.ok() {
		return errors.New("the final routes are not the expected ones")
	}
	return nil
}
