// Package retry computes the delays of retries for machines, as values.
//
// A machine never sleeps or sets a timer: a retry is an effect
// (RetryAfter) that names its delay, computed with cenkalti/backoff and a
// deterministic jitter source, and scheduled by the adapter. backoff's
// ExponentialBackOff reads a clock and math/rand, which a machine must
// not; Schedule.Delay drives it with a frozen clock and no
// randomization, replaying it up to the attempt asked for, and then adds
// jitter taken from a hash of the retried key and the attempt. The delay is
// thus a pure function of (Schedule, key, attempt): replaying a machine's
// events replays its RetryAfter effects exactly, while the keys of many
// objects that failed together (an API server restart) still spread out
// instead of retrying in lockstep.
//
// Schedule is part of the machines' configurations (ipam.Config.Retry,
// routes and cni configs, discovery's), so it is public: a controller
// author builds one with a struct literal, or starts from DefaultSchedule
// or SlowSchedule, and checks it with Validate.
package retry
