package adapter

import "time"

// Status is a snapshot of an adapter, for health checks and metrics.
type Status struct {
	// Synced reports that every source has delivered its initial list, so
	// that the machine decides.
	Synced bool
	// SyncedAt is when Synced became true; zero before.
	SyncedAt time.Time
	// Events counts the events fed to the machine.
	Events int
	// Rejected counts the events the machine refused (each is logged).
	Rejected int
	// Skipped counts the objects that could not be converted (each is
	// logged with an error wrapping ErrMalformed).
	Skipped int
	// Retries counts the retry timers pending: writes that did not come
	// back Done and whose retry the machine scheduled. A timer that a newer
	// write superseded may count until it fires.
	Retries int
	// LastError is the last failure, a *WatchError or a *WriteError (whose
	// Outcome may be Unknown: the write may have landed); it is kept after
	// the failure has been cured, as the last one seen.
	LastError error
}
