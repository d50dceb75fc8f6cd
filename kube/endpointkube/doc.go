// Package endpointkube feeds the endpoint machine from the Kubernetes API: a
// GatewayEndpoint (meshstate.io/v1alpha1) informer's adds, updates and
// deletes become Upsert and Delete events, its initial list ends with
// Synced, and the machine's notifications go to the handlers through an
// endpoint/dispatch Dispatcher.
//
// The adapter decides nothing itself. An object that does not convert (an
// address that does not parse, say) and an event the machine rejects are
// logged and skipped; neither changes the machine. A delete that client-go
// inferred from a relist (a tombstone) is a Delete like any other, but a
// relist is stepped as one batch with its deletions after its additions
// and updates (internal/loop): a gateway restart that happened while the
// watch was cut yields RemoteEndpointCreated for the new endpoint and
// StaleRemoteEndpointRemoved for the old, as a watched one does. A restart
// relists, and the machine announces each cluster's active endpoint once,
// after Synced.
//
// RBAC: the adapter only reads. config/rbac/endpoint.yaml grants get, list
// and watch on gatewayendpoints.meshstate.io, and nothing else.
package endpointkube
