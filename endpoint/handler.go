package endpoint

// Handler receives the notifications about remote clusters' active endpoints.
// An error asks the dispatcher to deliver the same notification again later;
// handlers must therefore be idempotent.
type Handler interface {
	// RemoteEndpointCreated announces ep as its cluster's active endpoint:
	// the cluster's first, or a newer one superseding the previous.
	RemoteEndpointCreated(ep *Endpoint) error
	// RemoteEndpointUpdated reports a change to the active endpoint of a
	// cluster (same object, new content).
	RemoteEndpointUpdated(ep *Endpoint) error
	// RemoteEndpointRemoved reports that ep, its cluster's active
	// endpoint, was deleted: unless a RemoteEndpointCreated for another
	// endpoint follows, the cluster has none.
	RemoteEndpointRemoved(ep *Endpoint) error
}

// StaleHandler is implemented by handlers that must learn when a superseded
// remote endpoint is deleted: a health checker stops probing it. Handlers that
// do not implement it are not told, which is right for route handlers: the
// cluster is already served by the newer endpoint.
type StaleHandler interface {
	// StaleRemoteEndpointRemoved reports that ep, a remote endpoint
	// superseded by a newer one of its cluster, was deleted.
	StaleRemoteEndpointRemoved(ep *Endpoint) error
}

// LocalHandler is implemented by handlers that follow the local cluster's
// active endpoint.
type LocalHandler interface {
	// LocalEndpointCreated announces ep as the local cluster's active
	// endpoint: the first, or the new gateway's after a failover.
	LocalEndpointCreated(ep *Endpoint) error
	// LocalEndpointUpdated reports a change to the local active endpoint.
	LocalEndpointUpdated(ep *Endpoint) error
	// LocalEndpointRemoved reports that ep, the local active endpoint,
	// was deleted (not superseded; see the package documentation).
	LocalEndpointRemoved(ep *Endpoint) error
}

// StaleLocalHandler is implemented by handlers that must learn when a
// superseded local endpoint is deleted.
type StaleLocalHandler interface {
	// StaleLocalEndpointRemoved reports that ep, a local endpoint
	// superseded by a newer one (a failover), was deleted: the time to
	// clean up what the old gateway node set up.
	StaleLocalEndpointRemoved(ep *Endpoint) error
}

// Deliver calls the method of h that n's kind names. A notification whose
// optional interface h does not implement is skipped and reported as
// delivered. The endpoint passed to h is a copy of n's, but shares its
// subnets and backend configuration.
func Deliver(h Handler, n Effect) error {
	ep := n.Endpoint
	switch n.Kind {
	case RemoteEndpointCreated:
		return h.RemoteEndpointCreated(&ep)
	case RemoteEndpointUpdated:
		return h.RemoteEndpointUpdated(&ep)
	case RemoteEndpointRemoved:
		return h.RemoteEndpointRemoved(&ep)
	case StaleRemoteEndpointRemoved:
		if s, ok := h.(StaleHandler); ok {
			return s.StaleRemoteEndpointRemoved(&ep)
		}
	case StaleLocalEndpointRemoved:
		if s, ok := h.(StaleLocalHandler); ok {
			return s.StaleLocalEndpointRemoved(&ep)
		}
	case LocalEndpointCreated, LocalEndpointUpdated, LocalEndpointRemoved:
		if l, ok := h.(LocalHandler); ok {
			return deliverLocal(l, n.Kind, &ep)
		}
	default:
		return &UnknownKindError{Kind: n.Kind}
	}
	return nil
}

func deliverLocal(l LocalHandler, k Kind, ep *Endpoint) error {
	switch k {
	case LocalEndpointCreated:
		return l.LocalEndpointCreated(ep)
	case LocalEndpointUpdated:
		return l.LocalEndpointUpdated(ep)
	default:
		return l.LocalEndpointRemoved(ep)
	}
}

// HandlerFuncs adapts plain functions to every handler interface; a nil
// function ignores its notification. It is meant to be used as a value.
type HandlerFuncs struct {
	// RemoteCreated implements Handler.RemoteEndpointCreated.
	RemoteCreated func(ep *Endpoint) error
	// RemoteUpdated implements Handler.RemoteEndpointUpdated.
	RemoteUpdated func(ep *Endpoint) error
	// RemoteRemoved implements Handler.RemoteEndpointRemoved.
	RemoteRemoved func(ep *Endpoint) error
	// StaleRemoteGone implements StaleHandler.StaleRemoteEndpointRemoved.
	StaleRemoteGone func(ep *Endpoint) error
	// LocalCreated implements LocalHandler.LocalEndpointCreated.
	LocalCreated func(ep *Endpoint) error
	// LocalUpdated implements LocalHandler.LocalEndpointUpdated.
	LocalUpdated func(ep *Endpoint) error
	// LocalRemoved implements LocalHandler.LocalEndpointRemoved.
	LocalRemoved func(ep *Endpoint) error
	// StaleLocalGone implements StaleLocalHandler.StaleLocalEndpointRemoved.
	StaleLocalGone func(ep *Endpoint) error
}

func call(f func(*Endpoint) error, ep *Endpoint) error {
	if f == nil {
		return nil
	}
	return f(ep)
}

// RemoteEndpointCreated implements Handler.
func (f HandlerFuncs) RemoteEndpointCreated(ep *Endpoint) error { return call(f.RemoteCreated, ep) }

// RemoteEndpointUpdated implements Handler.
func (f HandlerFuncs) RemoteEndpointUpdated(ep *Endpoint) error { return call(f.RemoteUpdated, ep) }

// RemoteEndpointRemoved implements Handler.
func (f HandlerFuncs) RemoteEndpointRemoved(ep *Endpoint) error { return call(f.RemoteRemoved, ep) }

// StaleRemoteEndpointRemoved implements StaleHandler.
func (f HandlerFuncs) StaleRemoteEndpointRemoved(ep *Endpoint) error {
	return call(f.StaleRemoteGone, ep)
}

// LocalEndpointCreated implements LocalHandler.
func (f HandlerFuncs) LocalEndpointCreated(ep *Endpoint) error { return call(f.LocalCreated, ep) }

// LocalEndpointUpdated implements LocalHandler.
func (f HandlerFuncs) LocalEndpointUpdated(ep *Endpoint) error { return call(f.LocalUpdated, ep) }

// LocalEndpointRemoved implements LocalHandler.
func (f HandlerFuncs) LocalEndpointRemoved(ep *Endpoint) error { return call(f.LocalRemoved, ep) }

// StaleLocalEndpointRemoved implements StaleLocalHandler.
func (f HandlerFuncs) StaleLocalEndpointRemoved(ep *Endpoint) error {
	return call(f.StaleLocalGone, ep)
}
