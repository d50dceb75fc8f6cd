package kube

import (
	"context"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/lookup"
)

// Retry keys: one per owned import and one per export's conditions, so
// that a retry re-applies whatever the machine wants for it by then.
func importKey(namespace, name string) string { return "import " + namespace + "/" + name }
func exportKey(key string) string             { return "export " + key }

// flush applies the batch's effects, then the retries that fell due in it
// for what the batch did not write again. The conditions of one export
// are written together, in one status update.
func (a *ExportAdapter) flush(ctx context.Context) {
	var order []string
	conds := map[string][]metav1.Condition{}
	for _, e := range a.batch {
		switch e.Kind {
		case discovery.ImportUpsert:
			a.dropDue(importKey(e.Import.Namespace, e.Import.Name))
			a.upsert(ctx, e.Import)
		case discovery.ImportDelete:
			a.dropDue(importKey(e.Import.Namespace, e.Import.Name))
			a.remove(ctx, idOf(e.Import))
		case discovery.ExportSetCondition:
			k := e.Namespace + "/" + e.Name
			if _, ok := conds[k]; !ok {
				order = append(order, k)
			}
			conds[k] = append(conds[k], e.Condition)
		}
	}
	for _, k := range order {
		a.dropDue(exportKey(k))
		a.writeConditions(ctx, k, conds[k])
	}
	clear(a.batch)
	a.batch = a.batch[:0]
	due := a.due
	a.due = nil
	var desired []discovery.Import // the machine's whole desired set, read once for all retries
	if len(due) > 0 {
		desired = a.m.DesiredImports()
	}
	for _, key := range due {
		a.retry(ctx, key, desired)
	}
}

// dropDue forgets a due retry of key: the batch wrote it again.
func (a *ExportAdapter) dropDue(key string) {
	a.due = slices.DeleteFunc(a.due, func(k string) bool { return k == key })
}

// upsert creates this cluster's import, or updates the observed one.
func (a *ExportAdapter) upsert(ctx context.Context, imp discovery.Import) {
	key := importKey(imp.Namespace, imp.Name)
	client := a.cfg.MCS.MulticlusterV1beta1().ServiceImports(imp.Namespace)
	cur := a.imports[idOf(imp)]
	if cur == nil {
		_, err := client.Create(ctx, newImport(imp), metav1.CreateOptions{})
		a.wrote(key, "create", imp.Namespace+"/"+importName(imp), err)
		return
	}
	if importOf(cur).Equal(imp) {
		a.succeeded(key) // already so: the write that failed landed after all
		return
	}
	obj := cur.DeepCopy()
	writeImport(obj, imp)
	_, err := client.Update(ctx, obj, metav1.UpdateOptions{})
	a.wrote(key, "update", objectKey(cur), err)
}

// remove deletes the observed import id stands for, if it is this
// cluster's, with a UID precondition: an object recreated under its name
// since is not the one the machine decided about.
func (a *ExportAdapter) remove(ctx context.Context, id importID) {
	key := importKey(id.namespace, id.name)
	cur := a.imports[id]
	if cur == nil || id.owner != a.cfg.Machine.ClusterID || cur.Labels[SourceClusterLabel] != id.owner {
		a.succeeded(key) // nothing of ours to delete
		return
	}
	uid := cur.UID
	err := a.cfg.MCS.MulticlusterV1beta1().ServiceImports(cur.Namespace).Delete(ctx, cur.Name,
		metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if lookup.Classify(err) == lookup.NotFound {
		err = nil // gone already, as wanted
	}
	a.wrote(key, "delete", objectKey(cur), err)
}

// writeConditions sets conds on the observed export, in one status update.
func (a *ExportAdapter) writeConditions(ctx context.Context, k string, conds []metav1.Condition) {
	ex := a.exports[k]
	if ex == nil {
		a.succeeded(exportKey(k)) // the export is gone
		return
	}
	obj := setConditions(ex, conds)
	if obj == nil {
		a.succeeded(exportKey(k))
		return
	}
	_, err := a.cfg.MCS.MulticlusterV1beta1().ServiceExports(ex.Namespace).UpdateStatus(ctx, obj, metav1.UpdateOptions{})
	a.wrote(exportKey(k), "update status", k, err)
}

// wrote records a write's outcome. NotFound is not retried: the object is
// gone, the informer reports it, and the machine decides again.
func (a *ExportAdapter) wrote(key, op, object string, err error) {
	if err != nil {
		a.failed(key, op, object, err, func(c lookup.Class) bool { return c != lookup.NotFound })
		return
	}
	a.succeeded(key)
	a.log.V(1).Info("wrote", "op", op, "object", object)
}

// retry applies what the machine wants now for a retry key; desired is
// the machine's DesiredImports.
func (a *ExportAdapter) retry(ctx context.Context, key string, desired []discovery.Import) {
	kind, k, _ := strings.Cut(key, " ")
	ns, name := splitKey(k)
	switch kind {
	case "import":
		if want, ok := find(desired, ns, name); ok {
			a.upsert(ctx, want)
		} else {
			a.remove(ctx, importID{ns, name, a.cfg.Machine.ClusterID})
		}
	case "export":
		if conds := a.m.ExportConditions(ns, name); conds != nil {
			a.writeConditions(ctx, k, conds)
		} else {
			a.succeeded(key)
		}
	}
}

// find returns the import of namespace/name in all, which is sorted by
// namespace and name.
func find(all []discovery.Import, ns, name string) (discovery.Import, bool) {
	i, ok := slices.BinarySearchFunc(all, [2]string{ns, name}, func(imp discovery.Import, t [2]string) int {
		if c := strings.Compare(imp.Namespace, t[0]); c != 0 {
			return c
		}
		return strings.Compare(imp.Name, t[1])
	})
	if !ok {
		return discovery.Import{}, false
	}
	return all[i], true
}
