package ipam

import (
	"testing"
	"unsafe"
)

// A holding stays within the 512-byte size class, the largest the runtime
// allocates without a header: every new owner allocates one.
func TestHoldingSize(t *testing.T) {
	if n := unsafe.Sizeof(holding{}); n > 512 {
		t.Errorf("holding is %d bytes, more than 512", n)
	}
}
