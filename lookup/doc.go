// Package lookup classifies the errors of lookups and writes against the
// Kubernetes API and the network, so that a machine acts on what an error
// means and never on err != nil.
//
// Field incident 003 is its reason to exist: on restart, a global-IP
// controller looked up its internal Service, got a transient API error,
// read it as "the Service does not exist", released the allocated global IP
// and handed out a new one, breaking live connections. A lookup has three
// outcomes, found, not found and unknown, and only a confirmed absence may
// release anything. Here that absence is NotFound, and nothing else is:
// every error this package does not recognise is Transient.
//
// Adapters classify once, with Classify or a Classifier built by
// NewClassifier, and hand the Class to the machine in an event; Known
// folds it into the design's three values (found, not found, unknown).
// Machines import this package for Class, so it does no I/O and imports
// neither client-go nor net/http; apimachinery's error helpers bring in
// net/http for its status codes, as they already do for machines.
//
// The decisions that are not obvious, and why:
//
//   - 410 Gone and Expired are Transient, not NotFound: on a watch or list
//     they say the resourceVersion is too old to serve, so the caller must
//     list again; they say nothing about the object.
//   - 409 Conflict and AlreadyExists are Conflict: the write was based on a
//     view that no longer holds. AlreadyExists is not Found because it says
//     only that the name is taken, not that the object is ours or as we
//     want it (a machine trusts only what it has read, never what a write
//     implies); the machine re-reads and decides.
//   - A response that was not a Kubernetes Status (apierrors'
//     "unexpected server response", such as a proxy's 404 page) is
//     Transient: it did not come from the API server, so it confirms no
//     absence.
//   - context.Canceled and context.DeadlineExceeded are Transient: the
//     lookup was abandoned, its answer is unknown. A caller whose own
//     context is done stops; any other retries.
//   - An error nothing recognises is Transient. Reading it as Permanent
//     would only slow retries down; reading it as NotFound is the incident.
//     Retrying costs one request per backoff interval.
//
// Wrapped errors are classified by what they wrap: fmt.Errorf's %w and
// errors.Join are followed, and when an error wraps several, the least
// certain class among them wins (see Classify), so a joined error is
// NotFound only when every error in it is.
package lookup
