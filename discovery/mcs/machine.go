package mcs

import (
	"fmt"
	"maps"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/internal/attempts"
	"github.com/meshstate/meshstate/internal/k8sname"
)

// Machine decides a service-discovery agent's ServiceImports from
// the cluster's ServiceExports (joined with their Services) and the imports
// it observes. It owns exactly the imports labelled with its cluster ID:
// it creates or updates one for each valid export, deletes those whose
// export is gone, and never touches any other. It emits nothing before both
// ExportsSynced and ImportsSynced, then the whole difference at once, so a
// restart against an unchanged world creates, updates and deletes nothing.
//
// Outcomes (Applied) and retries (RetryAfter, RetryDue)
// follow the package's retry contract; see the package documentation.
//
// An Machine is a plain value without goroutines, clock or I/O; it is
// not safe for concurrent use.
type Machine struct {
	cfg     Config
	exports map[exportKey]*exportState
	owned   map[exportKey]*ownership
	// peers are the imports other clusters created from their exports of
	// the same service, oldest export first: the conflict input.
	peers map[exportKey][]Import
	// aggregates are the broker's merged imports: observed, never touched
	// and not used in decisions, since they derive from the peers' imports.
	aggregates    map[exportKey]Import
	exportsSynced bool
	importsSynced bool
	sched         attempts.Schedules
}

// exportState is a local export joined with its Service.
type exportState struct {
	createdAt time.Time
	svc       ExportService
	conds     []metav1.Condition
	retry     attempts.Attempts // of the conditions' writes
}

// sent is the effect in flight for an owned import, not yet observed back.
type sent uint8

const (
	sentNone sent = iota
	sentUpsert
	sentDelete
)

// ownership is what the machine knows of the import it owns for a service:
// what the informer last showed, and what it asked for since.
type ownership struct {
	have     bool
	observed Import
	sent     sent
	upsert   Import // with sent == sentUpsert
	retry    attempts.Attempts
	// doubt: the write in flight came back Unknown, so it may have landed
	// although observed does not show it; only a newer observation tells.
	doubt bool
}

// New returns a machine for the cluster cfg.ClusterID.
func New(cfg Config) (*Machine, error) {
	if r := k8sname.Label(cfg.ClusterID); r != "" {
		return nil, fmt.Errorf("%w: clusterID %q %s", ErrInvalidConfig, cfg.ClusterID, r)
	}
	sched, err := attempts.NewSchedules(cfg.Retry, cfg.SlowRetry)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return &Machine{cfg: cfg, exports: map[exportKey]*exportState{}, owned: map[exportKey]*ownership{},
		peers: map[exportKey][]Import{}, aggregates: map[exportKey]Import{}, sched: sched}, nil
}

// Step applies one event and returns the effects it causes, in order. A
// rejected event returns an error wrapping one of the package's sentinels
// and leaves the machine unchanged.
func (m *Machine) Step(ev Event) ([]Effect, error) { return m.AppendStep(nil, ev) }

// AppendStep is Step appending the effects to dst; on error dst is returned
// unchanged.
func (m *Machine) AppendStep(dst []Effect, ev Event) ([]Effect, error) {
	switch ev := ev.(type) {
	case ExportObserved:
		return m.observeExport(dst, &ev)
	case ExportDeleted:
		return m.deleteExport(dst, ev)
	case ImportObserved:
		return m.observeImport(dst, &ev)
	case ImportDeleted:
		return m.deleteImport(dst, ev)
	case ExportsSynced:
		return m.sync(dst, &m.exportsSynced, ev.At), nil
	case ImportsSynced:
		return m.sync(dst, &m.importsSynced, ev.At), nil
	case Applied:
		return m.applied(dst, &ev)
	case RetryDue:
		return m.retryDue(dst, &ev)
	}
	return dst, &RejectedError{Reason: fmt.Sprintf("%T", ev), Err: ErrInvalidEvent}
}

// synced reports whether every source has delivered its initial list:
// before that, an export may be missing only because it was not listed
// yet, and an import may belong to an export still to come.
func (m *Machine) synced() bool { return m.exportsSynced && m.importsSynced }

// The machine keeps e.Service.Ports and e.Conditions: callers must not
// modify them afterwards.
func (m *Machine) observeExport(dst []Effect, e *ExportObserved) ([]Effect, error) {
	if err := validateExportObserved(e); err != nil {
		return dst, err
	}
	k := exportKey{e.Namespace, e.Name}
	// The observed status replaces what the machine believed, and a retry
	// pending for the conditions is moot: reconcile decides against what
	// the server showed. The failure count stays, for the backoff.
	var failures int
	if old := m.exports[k]; old != nil {
		failures = old.retry.Failures
	}
	m.exports[k] = &exportState{createdAt: e.CreatedAt,
		svc:   ExportService{Type: e.Service.Type, Ports: sortedPorts(e.Service.Ports)},
		conds: slices.Clone(e.Conditions), retry: attempts.Attempts{Failures: failures}}
	return m.reconcile(dst, k, e.At), nil
}

func (m *Machine) deleteExport(dst []Effect, e ExportDeleted) ([]Effect, error) {
	k := exportKey{e.Namespace, e.Name}
	if m.exports[k] == nil {
		return dst, &RejectedError{Namespace: e.Namespace, Name: e.Name, Err: ErrUnknownExport}
	}
	delete(m.exports, k)
	return m.reconcile(dst, k, e.At), nil
}

// The machine keeps e.Import.Ports: callers must not modify them
// afterwards.
func (m *Machine) observeImport(dst []Effect, e *ImportObserved) ([]Effect, error) {
	if err := validateImport(&e.Import); err != nil {
		return dst, err
	}
	imp := e.Import
	imp.Ports = sortedPorts(imp.Ports)
	k := exportKey{imp.Namespace, imp.Name}
	switch imp.Owner {
	case m.cfg.ClusterID:
		o := m.owned[k]
		if o == nil {
			o = &ownership{}
			m.owned[k] = o
		}
		// Seen again: whatever was in flight has landed or been
		// overtaken, and a deletion may be needed once more. A pending
		// retry is moot, since reconcile decides against what the server
		// showed; the failure count stays, for the backoff.
		*o = ownership{have: true, observed: imp, retry: attempts.Attempts{Failures: o.retry.Failures}}
	case "":
		m.aggregates[k] = imp
		return dst, nil
	default:
		m.putPeer(k, imp)
	}
	return m.reconcile(dst, k, e.At), nil
}

func (m *Machine) deleteImport(dst []Effect, e ImportDeleted) ([]Effect, error) {
	k := exportKey{e.Namespace, e.Name}
	switch e.Owner {
	case m.cfg.ClusterID:
		if o := m.owned[k]; o == nil || !o.have {
			return dst, m.unknownImport(e)
		}
		delete(m.owned, k)
	case "":
		if _, ok := m.aggregates[k]; !ok {
			return dst, m.unknownImport(e)
		}
		delete(m.aggregates, k)
		return dst, nil
	default:
		ps := m.peers[k]
		i := slices.IndexFunc(ps, func(p Import) bool { return p.Owner == e.Owner })
		if i < 0 {
			return dst, m.unknownImport(e)
		}
		if len(ps) == 1 {
			delete(m.peers, k)
		} else {
			m.peers[k] = slices.Delete(slices.Clone(ps), i, i+1)
		}
	}
	return m.reconcile(dst, k, e.At), nil
}

func (m *Machine) unknownImport(e ImportDeleted) error {
	return &RejectedError{Namespace: e.Namespace, Name: e.Name, Owner: e.Owner, Err: ErrUnknownImport}
}

// putPeer inserts or replaces a peer's import, keeping the conflict order.
func (m *Machine) putPeer(k exportKey, imp Import) {
	ps := slices.DeleteFunc(slices.Clone(m.peers[k]), func(p Import) bool { return p.Owner == imp.Owner })
	i, _ := slices.BinarySearchFunc(ps, imp, compareAge)
	m.peers[k] = slices.Insert(ps, i, imp)
}

// sync records one source's initial list; once both are complete, the
// whole difference comes out, service by service in namespace/name order.
func (m *Machine) sync(dst []Effect, flag *bool, at time.Time) []Effect {
	if *flag {
		return dst
	}
	*flag = true
	if !m.synced() {
		return dst
	}
	keys := slices.AppendSeq(make([]exportKey, 0, len(m.exports)+len(m.owned)), maps.Keys(m.exports))
	for k := range m.owned {
		if m.exports[k] == nil {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareExportKeys)
	out := dst
	for _, k := range keys {
		out = m.reconcile(out, k, at)
	}
	return out
}

// reconcile brings one service's export conditions and owned import to
// what its export asks for. Nothing happens before both syncs.
func (m *Machine) reconcile(out []Effect, k exportKey, at time.Time) []Effect {
	if !m.synced() {
		return out
	}
	ex := m.exports[k]
	var want Import
	valid := false
	if ex != nil {
		out = m.setConditions(out, k, ex, at)
		want, valid = m.desired(k, ex)
	}
	o := m.owned[k]
	switch {
	case valid:
		if o == nil {
			o = &ownership{}
			m.owned[k] = o
		}
		if o.have && o.observed.Equal(want) && o.sent != sentDelete {
			return out
		}
		if o.sent == sentUpsert && o.upsert.Equal(want) {
			return out // asked for already; the write, or its retry, is pending
		}
		return m.askUpsert(out, o, want)
	case o == nil:
	case !o.have:
		// Nothing to delete; a create still in flight is deleted when it
		// is observed.
		delete(m.owned, k)
	case o.sent != sentDelete:
		return m.askDelete(out, k, o)
	}
	return out
}

// askUpsert asks for want; it supersedes a pending retry of the import.
func (m *Machine) askUpsert(out []Effect, o *ownership, want Import) []Effect {
	o.sent, o.upsert, o.retry.Pending = sentUpsert, want, false
	return append(out, Effect{Kind: ImportUpsert, Import: want})
}

// askDelete asks for the owned import's deletion; it supersedes a pending
// retry of the import.
func (m *Machine) askDelete(out []Effect, k exportKey, o *ownership) []Effect {
	o.sent, o.retry.Pending = sentDelete, false
	return append(out, Effect{Kind: ImportDelete, Import: Import{Namespace: k.namespace, Name: k.name, Owner: m.cfg.ClusterID}})
}

// desired returns the import this cluster owns for a valid export.
func (m *Machine) desired(k exportKey, ex *exportState) (Import, bool) {
	var typ ImportType
	switch ex.svc.Type {
	case ExportServiceClusterIP:
		typ = ImportClusterSetIP
	case ExportServiceHeadless:
		typ = ImportHeadless
	default:
		return Import{}, false
	}
	return Import{Namespace: k.namespace, Name: k.name, Owner: m.cfg.ClusterID, Type: typ,
		Ports: ex.svc.Ports, ExportCreatedAt: ex.createdAt}, true
}
