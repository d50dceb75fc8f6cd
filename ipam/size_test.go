package ipam

import (
	"testing"
	"unsafe"
)

// A holding stays within the 416-byte size class: a new owner without a
// spare record allocates one.
func TestHoldingSize(t *testing.T) {
	if n := unsafe.Sizeof(holding{}); n > 416 {
		t.Errorf("holding is %d bytes, more than 416", n)
	}
}
