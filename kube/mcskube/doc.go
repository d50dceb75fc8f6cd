// Package mcskube runs the export machine of the Multi-Cluster Services
// API (package github.com/meshstate/meshstate/discovery/mcs) against the
// Kubernetes API: an Adapter feeds it what the ServiceExport, Service and
// ServiceImport informers report, and applies its effects: it creates,
// updates and deletes this cluster's ServiceImports and sets the exports'
// Valid and Conflict conditions. Its sibling vipkube runs the VIP machine.
//
// The Adapter runs on internal/loop with one goroutine that steps the
// machine: every informer pushes onto one queue, so the loop sees all
// sources in one order, and a relist arrives as one batch. A source's
// initial list is followed by a synced marker, which becomes the machine's
// ExportsSynced (once exports and Services have synced) or ImportsSynced
// event: the machine decides nothing before every source has synced
// (field incident 001: a restarted agent must not delete imports it has
// not yet seen exported), so neither does the adapter.
//
// The adapter decides nothing itself, retries included (see the retry
// contract in package discovery). Each write's outcome goes back to the
// machine as an mcs.Applied event: Done; Conflict (409); Failed,
// classified with lookup.Classify, when the server refused it or it never
// left (no connection); Unknown when it may have reached the server but
// its answer was lost (a reset, an EOF, a timeout after sending, a timeout
// status). The machine answers with a RetryAfter carrying a key and a
// delay (by default 1 s doubling to 5 min, or every 5 min after a
// Permanent failure such as Forbidden); the adapter arms one timer per key
// and, when it fires, steps a RetryDue, on which the machine emits what it
// wants by then, or nothing. The adapter writes what the machine asks even
// where its cache agrees already: after an Unknown outcome that cache may
// predate the write, and a stale resourceVersion makes an update conflict
// rather than overwrite. A list or watch that fails is retried by
// client-go's reflector (0.8 s doubling, jittered, up to 30-60 s); the
// failure is classified, logged once (a retry that fails the same way is
// logged at V(1) only, the recovery at default verbosity) and kept in
// Status (an adapter.Status, its failures *adapter.WatchError and
// *adapter.WriteError), and Run keeps running: a missing RBAC rule is
// reported, not turned into a crash loop. Without the MCS CRDs (the
// lists fail with NotFound, "the server could not find the requested
// resource") the first failure is logged with CRDHint, how to install
// them; the adapter starts once they are served. The adapter logs its
// lifecycle at default verbosity (start, caches synced, stop), and
// Collector exports its progress and failures.
//
// The adapter can record every event it feeds its machine as JSON lines
// (Config.Trace); mcs.UnmarshalEvent reads them back, and a fresh machine
// replaying them returns the same effects.
//
// Imports: this cluster's ServiceImport for the export of namespace/name
// lives in that namespace, is named name.clusterID (a dot can never appear
// in a Service's name, so it never collides with the broker's aggregate
// import, which is named after the Service), and carries the labels
// SourceClusterLabel (the cluster ID) and ServiceNameLabel, and the
// annotation ExportCreatedAtAnnotation. Only imports whose source-cluster
// label is this cluster's ID are ever written or deleted; deletes carry a
// UID precondition, so an object recreated under the same name is never
// deleted by mistake.
//
// RBAC: kube/config/rbac/discovery.yaml (config.RBAC) is the least the
// discovery adapters need; this one lists and watches Services,
// ServiceExports and ServiceImports, writes ServiceImports and updates
// serviceexports/status.
package mcskube
