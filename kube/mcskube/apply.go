package mcskube

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/adaptercore"
	"github.com/meshstate/meshstate/lookup"
)

// flush applies the batch's effects, the conditions of one export together
// in one status update, then steps the writes' outcomes, whose only
// effects are retries, and arms their timers.
func (a *Adapter) flush(ctx context.Context) {
	for len(a.batch) > 0 {
		batch := a.batch
		a.batch = nil
		var order []string
		conds := map[string][]metav1.Condition{}
		for _, e := range batch {
			switch e.Kind {
			case mcs.ImportUpsert:
				// A newer write supersedes the import's retry; the
				// machine would ignore its firing anyway.
				a.timers.Forget(exportRetry{mcs.RetryImport, e.Import.Namespace, e.Import.Name})
				a.upsert(ctx, e.Import)
			case mcs.ImportDelete:
				a.timers.Forget(exportRetry{mcs.RetryImport, e.Import.Namespace, e.Import.Name})
				a.remove(ctx, idOf(e.Import))
			case mcs.ExportSetCondition:
				k := e.Namespace + "/" + e.Name
				if _, ok := conds[k]; !ok {
					order = append(order, k)
				}
				conds[k] = append(conds[k], e.Condition)
			case mcs.RetryAfter:
				k := exportRetry{e.Retry, e.Namespace, e.Name}
				a.timers.AddAfter(k, e.Delay)
				if we := a.failures[k]; we != nil {
					we.RetryIn = e.Delay
				}
			}
		}
		for _, k := range order {
			a.writeConditions(ctx, k, conds[k])
		}
		for _, ev := range a.outcomes {
			a.step(ev)
		}
		clear(a.outcomes)
		a.outcomes = a.outcomes[:0]
	}
	adaptercore.ReportFailures(a.core, a.failures, a.timers.Len())
}

// upsert creates this cluster's import, or updates the observed one. It
// writes whenever the machine asks: after an outcome it did not learn, the
// cached copy may be older than the server's, and a stale resourceVersion
// makes the update conflict rather than overwrite.
func (a *Adapter) upsert(ctx context.Context, imp mcs.Import) {
	client := a.cfg.MCS.MulticlusterV1beta1().ServiceImports(imp.Namespace)
	cur := a.imports[idOf(imp)]
	if cur == nil {
		_, err := client.Create(ctx, newImport(imp), metav1.CreateOptions{})
		a.outcome(mcs.ImportUpsert, imp.Namespace, imp.Name, "create", imp.Namespace+"/"+importName(imp), err)
		return
	}
	obj := cur.DeepCopy()
	writeImport(obj, imp)
	_, err := client.Update(ctx, obj, metav1.UpdateOptions{})
	a.outcome(mcs.ImportUpsert, imp.Namespace, imp.Name, "update", objectKey(cur), err)
}

// remove deletes the observed import id stands for, if it is this
// cluster's, with a UID precondition: an object recreated under its name
// since is not the one the machine decided about. An import already gone
// is deleted as wanted.
func (a *Adapter) remove(ctx context.Context, id importID) {
	cur := a.imports[id]
	if cur == nil || id.owner != a.cfg.Machine.ClusterID || cur.Labels[SourceClusterLabel] != id.owner {
		a.outcome(mcs.ImportDelete, id.namespace, id.name, "delete", "", nil) // nothing of ours to delete
		return
	}
	uid := cur.UID
	err := a.cfg.MCS.MulticlusterV1beta1().ServiceImports(cur.Namespace).Delete(ctx, cur.Name,
		metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if lookup.Classify(err) == lookup.NotFound {
		err = nil // gone already, as wanted
	}
	a.outcome(mcs.ImportDelete, id.namespace, id.name, "delete", objectKey(cur), err)
}

// writeConditions sets conds on the observed export, in one status update.
func (a *Adapter) writeConditions(ctx context.Context, k string, conds []metav1.Condition) {
	ns, name := adaptercore.SplitKey(k)
	a.timers.Forget(exportRetry{mcs.RetryConditions, ns, name})
	ex := a.exports[k]
	if ex == nil {
		// The export is gone; its deletion is on its way to the machine.
		a.outcome(mcs.ExportSetCondition, ns, name, "update status", k, nil)
		return
	}
	obj := withConditions(ex, conds)
	_, err := a.cfg.MCS.MulticlusterV1beta1().ServiceExports(ex.Namespace).UpdateStatus(ctx, obj, metav1.UpdateOptions{})
	a.outcome(mcs.ExportSetCondition, ns, name, "update status", k, err)
}

// outcome queues the machine's mcs.Applied for a write, and keeps a
// failure to log with its retry.
func (a *Adapter) outcome(effect mcs.Kind, ns, name, op, object string, err error) {
	o, class := lookup.WriteOutcome(err)
	ev := mcs.Applied{Namespace: ns, Name: name, Effect: effect, Outcome: o, Class: class, At: time.Now().UTC()}
	if err != nil {
		ev.Message = err.Error()
		kind := mcs.RetryImport
		if effect == mcs.ExportSetCondition {
			kind = mcs.RetryConditions
		}
		a.failures[exportRetry{kind, ns, name}] = &adapter.WriteError{Op: op, Object: object, Outcome: o, Class: class, Err: err}
	} else {
		a.cfg.Log.V(1).Info("wrote", "op", op, "object", object)
	}
	a.outcomes = append(a.outcomes, ev)
}
