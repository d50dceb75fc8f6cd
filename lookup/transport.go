package lookup

import (
	"context"
	"io"
	"net"
	"syscall"
)

// classifyTransport classifies err itself if it comes from the transport
// under the API client: the network, the system, or a context. These say
// the request did not complete, never anything about the object.
func classifyTransport(err error) (Class, bool) {
	switch err {
	case context.Canceled, context.DeadlineExceeded, io.EOF, io.ErrUnexpectedEOF, net.ErrClosed:
		return Transient, true
	}
	switch e := err.(type) {
	case syscall.Errno:
		if e == syscall.EPERM || e == syscall.EACCES {
			return Permanent, true
		}
		return Transient, true
	case net.Error:
		return Transient, true
	case interface{ Timeout() bool }:
		if e.Timeout() {
			return Transient, true
		}
	}
	return 0, false
}
