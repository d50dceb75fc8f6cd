package vipbgptest

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/osrg/gobgp/v3/pkg/server"
)

// sockEnv names the unix socket a Peer's child process serves GoBGP's gRPC
// API on.
const sockEnv = "MESHSTATE_VIPBGPTEST_SOCK"

// runPeer is the Peer's child process: a GoBGP speaker, configured by the
// parent over gRPC, until SIGTERM (or SIGKILL).
func runPeer() int {
	sock := os.Getenv(sockEnv)
	if sock == "" {
		fmt.Fprintln(os.Stderr, "vipbgptest: peer: no socket")
		return 2
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	s := server.NewBgpServer(server.GrpcListenAddress("unix://" + sock))
	go s.Serve()
	<-sigs
	return 0
}
