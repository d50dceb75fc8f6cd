package mcskube

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/cache"
	mcsv1b1 "sigs.k8s.io/mcs-api/pkg/apis/v1beta1"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/internal/adaptercore"
	"github.com/meshstate/meshstate/kube/internal/informer"
)

// handle turns one queued item into the machine's events and steps them:
// an informer's item, or a retry timer that fired (superseded ones are
// dropped).
func (a *Adapter) handle(it informer.Item) {
	now := time.Now().UTC()
	switch {
	case it.Source == adaptercore.TimerSource:
		if k, ok := a.timers.Fired(it); ok {
			a.step(mcs.RetryDue{Kind: k.kind, Namespace: k.namespace, Name: k.name, At: now})
		}
	case it.Op == informer.Synced:
		a.sourceSynced(it.Source, now)
	case it.Source == srcServices:
		a.service(it, now)
	case it.Source == srcExports:
		a.export(it, now)
	case it.Source == srcImports:
		a.serviceImport(it, now)
	}
}

// sourceSynced steps ExportsSynced once both the exports and the Services
// they join have synced, and ImportsSynced once the imports have.
func (a *Adapter) sourceSynced(src string, now time.Time) {
	a.synced[src] = true
	switch src {
	case srcImports:
		a.step(mcs.ImportsSynced{At: now})
	case srcExports, srcServices:
		if a.synced[srcExports] && a.synced[srcServices] {
			a.step(mcs.ExportsSynced{At: now})
		}
	}
}

// service updates the join, and re-delivers the export of the same name.
func (a *Adapter) service(it informer.Item, now time.Time) {
	if it.Op == informer.Delete {
		delete(a.services, it.Key)
	} else {
		s, ok := it.Obj.(*corev1.Service)
		if !ok {
			a.core.Skip(it, adaptercore.Malformed(it.Source, it.Obj))
			return
		}
		a.services[it.Key] = exportService(s)
	}
	if ex := a.exports[it.Key]; ex != nil {
		a.step(exportObserved(ex, a.services[it.Key], now))
	}
}

// export steps an export's upsert, joined with its Service, or its
// deletion.
func (a *Adapter) export(it informer.Item, now time.Time) {
	if it.Op == informer.Delete {
		if a.exports[it.Key] == nil {
			return // never seen: the machine does not know it
		}
		delete(a.exports, it.Key)
		ns, name := adaptercore.SplitKey(it.Key)
		a.step(mcs.ExportDeleted{Namespace: ns, Name: name, At: now})
		return
	}
	ex, ok := it.Obj.(*mcsv1b1.ServiceExport)
	if !ok {
		a.core.Skip(it, adaptercore.Malformed(it.Source, it.Obj))
		return
	}
	a.exports[it.Key] = ex
	a.step(exportObserved(ex, a.services[it.Key], now))
}

// serviceImport tracks which import each object stands for. An object
// whose labels changed first retires the import it stood for; of two
// objects standing for one import, the later one is the machine's view.
func (a *Adapter) serviceImport(it informer.Item, now time.Time) {
	old, had := a.importIDs[it.Key]
	var si *mcsv1b1.ServiceImport
	if it.Op != informer.Delete {
		var ok bool
		if si, ok = it.Obj.(*mcsv1b1.ServiceImport); !ok {
			a.core.Skip(it, adaptercore.Malformed(it.Source, it.Obj))
			return
		}
	}
	var imp mcs.Import
	if si != nil {
		imp = importOf(si)
	}
	if had && (si == nil || idOf(imp) != old) {
		delete(a.importIDs, it.Key)
		if cur := a.imports[old]; cur != nil && objectKey(cur) == it.Key {
			delete(a.imports, old)
			a.step(mcs.ImportDeleted{Namespace: old.namespace, Name: old.name, Owner: old.owner, At: now})
		}
	}
	if si == nil {
		return
	}
	id := idOf(imp)
	if cur := a.imports[id]; cur != nil && objectKey(cur) != it.Key {
		a.cfg.Log.Info("two imports stand for the same service and cluster; the later one counts",
			"import", imp.String(), "objects", []string{objectKey(cur), it.Key})
	}
	if a.step(mcs.ImportObserved{Import: imp, At: now}) == nil {
		a.importIDs[it.Key] = id
		a.imports[id] = si
	}
}

// step traces ev, steps the machine and keeps the effects for flush. It
// returns the machine's rejection, if any.
func (a *Adapter) step(ev mcs.Event) error {
	a.core.Record(ev)
	var err error
	a.batch, err = a.m.AppendStep(a.batch, ev)
	a.core.Stepped(ev, err)
	switch ev.(type) {
	case mcs.ExportsSynced, mcs.ImportsSynced:
		a.core.MarkSynced(a.m.HasSynced())
	}
	return err
}

func objectKey(si *mcsv1b1.ServiceImport) string {
	k, _ := cache.MetaNamespaceKeyFunc(si)
	return k
}
