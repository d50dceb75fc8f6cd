// Package kernel runs a cni.Machine against the kernel of one network
// namespace: it lists links and addresses through a netlink handle bound to
// the namespace, subscribes to their changes there (an interface that
// appears is discovered on its own event, not at the next retry), schedules
// the machine's retries as relists, and reports the effects to the caller.
//
// It is built for the moment incident 002 is about, a node rebooting: a
// burst of hundreds of links and addresses overflows the subscription
// (ENOBUFS) and interrupts dumps (NLM_F_DUMP_INTR). Neither ends Run: a
// subscription that ends or overflows is reopened with backoff and followed
// by a full dump, and what it had buffered is dropped, since the dump
// supersedes it; an interrupted dump is retried with backoff, without limit.
// Run returns only when its context ends. Each update costs O(1) in the
// number of links (the machine keeps an index), and Status and Links may
// be read while Run runs.
package kernel
