// Package discovery holds no code: it introduces meshstate's two
// service-discovery machines, each a package of its own with its test kit
// and Kubernetes adapter, and the retry contract they share.
//
//   - Package vip (github.com/meshstate/meshstate/discovery/vip) decides
//     which load-balancer VIPs a node's announcer advertises, from Services
//     and EndpointSlices; its kit is discovery/vip/viptest and its adapter
//     kube/vipkube (field incident 004, kube-vip).
//   - Package mcs (github.com/meshstate/meshstate/discovery/mcs) decides
//     which Multi-Cluster Services ServiceImports a cluster's agent writes
//     for its ServiceExports, and their conditions (KEP-1645); its kit is
//     discovery/mcs/mcstest and its adapter kube/mcskube (field incident
//     001, Lighthouse).
//
// The two share no type: they were one package until a controller author
// found that the VIP machine and the export machine had nothing in common
// but this contract, and 124 exported names between them.
//
// # Outcomes and retries
//
// Both machines decide their own retries, so that property tests reach
// them; the adapter only keeps the timers. The contract:
//
//   - Every write the adapter makes for an effect (Advertise, Withdraw and
//     the Announcer's Commit; ImportUpsert, ImportDelete, and the
//     ExportSetCondition effects of one export written together) is
//     reported back, in the order the writes were made, as a vip.Applied
//     or mcs.Applied event: Done, Conflict, Failed (with the failure's
//     lookup.Class) or Unknown.
//   - Anything but Done is answered with a RetryAfter effect (vip.RetryAfter,
//     mcs.RetryAfter) carrying a key (a VIP; an export's namespace/name),
//     a RetryKind and a delay, never the data to write. The delay comes
//     from the configured schedules (Retry, or SlowRetry after a Permanent
//     failure), backing off per key while the failures go on, with a
//     jitter drawn from the key and the attempt: the same events always
//     give the same delays.
//   - The adapter keeps one timer per key and kind; a newer RetryAfter for
//     the same key and kind replaces it. When it fires, the adapter steps
//     a RetryDue event (vip.RetryDue, mcs.RetryDue) with the key and kind,
//     and the machine emits what it wants for that key now: the VIP's
//     Advertise or Withdraw, a Commit, the import's upsert or delete, the
//     export's conditions; or nothing, if the retry was superseded since.
//   - A retry is superseded by a newer effect for the same key and kind,
//     by a Done outcome for it and, in the export machine, by an
//     observation of the object it concerns, since the machine then decides
//     against what the server showed. A superseded, late or repeated
//     RetryDue yields nothing, and a retry never writes what the machine
//     wanted when the write failed, only what it wants when the retry is
//     due. An adapter may drop a pending timer when it applies a newer
//     effect for the key, but need not.
//   - Unknown means the request may have reached the server and its answer
//     was lost (a reset or timeout after sending): lookup.WriteOutcome
//     decides it, for both adapters. It is neither Done nor Failed; each
//     machine's package doc says how it treats one.
//   - An outcome that a newer decision overtook (an Advertise's outcome
//     while the VIP is withdrawn, an import write's outcome after the
//     import was observed again) changes nothing: the newer effect's own
//     outcome follows it. Outcomes before both sources synced match nothing
//     and are ignored. Malformed outcomes and retries are rejected with
//     vip.ErrInvalidEvent or mcs.ErrInvalidEvent and change nothing.
package discovery
