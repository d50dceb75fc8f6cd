// Package kube runs the discovery machines against the Kubernetes API: it
// feeds them what informers report, applies the effects they return, and
// reports the outcome of each write back through the informers.
//
// Two adapters, each with one loop goroutine that steps its machine:
//
//   - VIPAdapter: Service and EndpointSlice informers feed a
//     discovery.VIPMachine; its Advertise and Withdraw effects go to an
//     Announcer. RouteAnnouncer is one that installs each VIP as an owned
//     host route through the routes machine and its netlink adapter, for a
//     BGP daemon to export.
//   - ExportAdapter: ServiceExport, Service and ServiceImport informers feed
//     a discovery.ExportMachine; its effects create, update and delete this
//     cluster's ServiceImports and set the exports' conditions.
//
// Every informer of an adapter pushes onto one queue (internal/informer),
// so the loop sees all sources in one order. A source's initial list is
// followed by a synced marker, which becomes the machine's Synced event:
// the machines decide nothing before every source has synced (field
// incidents 001 and 004), so neither does the adapter.
//
// The adapters decide nothing themselves. A failed write is classified
// with lookup.Classify and retried with backoff (internal/retry): a
// Transient or Conflict failure after 1 s doubling up to 5 min, a
// Permanent one (forbidden, invalid) every 5 min, since only an operator's
// fix cures it. A retry applies what the machine wants when it is due, not
// what it wanted when the write failed, so a retry that became moot costs
// nothing. A list or watch that fails is retried by client-go's reflector
// (0.8 s doubling, jittered, up to 30-60 s); the failure is classified,
// logged and kept in Status, and Run keeps running: a missing RBAC rule is
// reported, not turned into a crash loop.
//
// Each adapter can record every event it feeds its machine as JSON lines
// (Config.Trace); discovery.UnmarshalVIPEvent and UnmarshalExportEvent read
// them back, and a fresh machine replaying them returns the same effects.
//
// Imports: this cluster's ServiceImport for the export of namespace/name
// lives in that namespace, is named name.clusterID (a dot can never appear
// in a Service's name, so it never collides with the broker's aggregate
// import, which is named after the Service), and carries the labels
// multicluster.kubernetes.io/source-cluster (the cluster ID) and
// multicluster.kubernetes.io/service-name, and the annotation
// meshstate.io/export-created-at. Only imports whose source-cluster label is
// this cluster's ID are ever written or deleted; deletes carry a UID
// precondition, so an object recreated under the same name is never
// deleted by mistake.
//
// RBAC: config/rbac/discovery.yaml is the least both adapters need.
package kube
