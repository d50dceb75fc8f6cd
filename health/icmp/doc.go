// Package icmp is the health checker's prober adapter: it sends ICMP echo
// requests to remote endpoints and reports each probe's outcome as a Result,
// for the caller to feed back to the health machine as an event.
//
// A Pool holds one prober per endpoint key. The machine's "start probing"
// effect maps to Start(key, generation, ip) and its "stop probing" effect to
// Stop(key); both are idempotent, so re-applying an effect after a resync is
// harmless. Start with a new generation or address for a key already probed
// replaces its prober, so a superseded endpoint (field incident 000) is never
// pinged under its successor's name, and the Generation in each Result lets
// the machine discard results that belong to a generation it has retired.
//
// All probers of a family share one raw socket, opened by Run inside the
// configured network namespace (a socket stays in the namespace it was
// created in, whichever thread later uses it). One reader goroutine per
// socket dispatches echo replies to probers by ICMP identifier, each prober
// having its own identifier, and checks the reply's source and sequence
// number, so a late reply to a replaced prober is never credited to its
// successor.
//
// A Checker joins a Pool to the health machine: it is an endpoint handler
// (stale removals included), steps the machine under one lock for every
// notification and result, applies the StartProber and StopProber effects
// to its Pool, and hands StatusChanged and Report effects to the caller.
//
// Each prober sends one echo request per Interval, the first at once. A probe
// answered within Timeout is reported with its Received time; one that is
// not is reported Lost when Timeout has passed; one that could not be sent is
// reported Lost at once, with Err set. Probes still outstanding when a
// prober stops are not reported: their key is no longer of interest.
//
// IPv4 targets are probed with ICMP echoes and IPv6 targets with ICMPv6
// echoes, each family over one raw socket of its own. Where the kernel has
// no IPv6, the pool still runs, and each probe of an IPv6 target is
// reported Lost with an Err wrapping ErrUnsupportedAddr, so its endpoint is
// reported unreachable rather than silently unprobed. The raw sockets need
// CAP_NET_RAW in the namespace.
package icmp
