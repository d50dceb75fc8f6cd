// Package dirty breaks every rule of archcheck.PureMachine once. Each line
// that must be reported carries a comment: want "text", where text is part
// of the expected message.
package dirty

import (
	crand "crypto/rand"   // want "imports crypto/rand"
	"math/rand"           // want "imports math/rand: a machine is deterministic"
	randv2 "math/rand/v2" // want "imports math/rand/v2"
	"net/http"            // want "imports net/http: a machine does no I/O"
	"os"                  // want "imports os: a machine does no I/O"
	_ "syscall"           // want "imports syscall"
	_ "unsafe"            // want "imports unsafe"

	"github.com/meshstate/meshstate/internal/archcheck/testdata/helper" // want "depends on os/exec (github.com/meshstate/meshstate/internal/archcheck/testdata/helper -> os/exec)"
)

// Fetch does I/O in every way a machine must not.
func Fetch() {
	_, _ = http.Get("http://127.0.0.1/")
	_, _ = os.ReadFile("/etc/hostname")
	_ = helper.Run("true")
	_ = rand.Int() + randv2.Int()
	_, _ = crand.Read(make([]byte, 1))
}
