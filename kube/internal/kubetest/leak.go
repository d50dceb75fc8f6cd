package kubetest

import "go.uber.org/goleak"

// LeakOptions are the goleak options of an adapter test: client-go keeps
// one pooled HTTP/2 connection per transport for the whole process, and its
// reader is not a goroutine the adapter started or could stop.
func LeakOptions() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreAnyFunction("golang.org/x/net/http2.(*ClientConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
	}
}
