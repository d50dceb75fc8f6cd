package mcs

import (
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// HasSynced reports whether both sources have delivered their
// initial lists, so that the machine has emitted its decisions.
func (m *Machine) HasSynced() bool { return m.synced() }

// DesiredImports returns the imports this cluster should own, one for each
// valid export, by namespace/name. Their Ports are shared with the machine
// and must not be modified.
func (m *Machine) DesiredImports() []Import {
	keys := slices.SortedFunc(maps.Keys(m.exports), compareExportKeys)
	out := make([]Import, 0, len(keys))
	for _, k := range keys {
		if imp, ok := m.desired(k, m.exports[k]); ok {
			out = append(out, imp)
		}
	}
	return out
}

// ExportConditions returns a copy of the conditions the machine holds for
// the export namespace/name, or nil if it holds no such export.
func (m *Machine) ExportConditions(namespace, name string) []metav1.Condition {
	if ex := m.exports[exportKey{namespace, name}]; ex != nil {
		return slices.Clone(ex.conds)
	}
	return nil
}
