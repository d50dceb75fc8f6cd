// Package dispatch delivers the notifications of an endpoint.Machine to its
// handlers, retrying a handler's failures on a retry.Schedule. It is the
// only part of the endpoint feature that runs goroutines, which is why it
// lives outside the pure endpoint package.
//
// Each handler has its own unbounded FIFO queue and its own goroutine. A
// handler that fails, such as a route handler whose netlink call returns
// EBUSY, retries its notification and holds back only its own later
// notifications; the other handlers carry on. With one shared queue, field
// incident 000 would return in another form: the health checker would learn
// late, or never, that a superseded endpoint is gone, and keep probing a
// ghost while the route handler waits for its next retry.
//
// Within one handler the order is strict: a notification is retried until
// the handler accepts it before the next one is delivered, because a handler
// that saw an endpoint's removal before its creation would install state that
// nobody removes. Handlers must be idempotent, since a retry repeats a call
// that may have half succeeded. Concurrent Enqueue calls are serialized and
// each is appended to every queue at once, so all handlers see the same
// sequence.
//
// A Dispatcher runs once: Enqueue works before Run (the notifications wait in
// the queues) and while it runs. Once Run's context is done, Enqueue returns
// ErrStopped and notifications still queued are abandoned (Pending counts
// them); a restarted controller relists, and its new machine announces every
// active endpoint again.
//
// The delays between retries come from a retry.Schedule, the schedule type
// every configuration in meshstate takes: retry.DefaultSchedule unless
// WithRetry gives another. Schedule.Delay is deterministic, so the same
// failures wait the same delays, and its jitter, drawn from the handler and
// the notification, keeps handlers that fail together from retrying in
// lockstep. The dispatcher gives a notification up only when its kind is
// unknown, and tells the ErrorFunc (retryIn NoRetry), so nothing is dropped
// silently.
package dispatch
