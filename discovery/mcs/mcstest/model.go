package mcstest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// ImportFor is the model's import that cluster owns for an export, and
// whether the export is valid (its Service exists and is not an
// ExternalName).
func ImportFor(cluster string, e mcs.ExportObserved) (mcs.Import, bool) {
	typ, ok := map[mcs.ExportServiceType]mcs.ImportType{
		mcs.ExportServiceClusterIP: mcs.ImportClusterSetIP,
		mcs.ExportServiceHeadless:  mcs.ImportHeadless,
	}[e.Service.Type]
	if !ok {
		return mcs.Import{}, false
	}
	return Normalized(mcs.Import{Namespace: e.Namespace, Name: e.Name, Owner: cluster, Type: typ,
		Ports: e.Service.Ports, ExportCreatedAt: e.CreatedAt}), true
}

// Normalized returns imp with its ports sorted by name, protocol, port and
// app protocol: port order carries no meaning, and the machine compares
// imports in this form.
func Normalized(imp mcs.Import) mcs.Import {
	imp.Ports = slices.Clone(imp.Ports)
	slices.SortFunc(imp.Ports, func(a, b mcs.ExportPort) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Protocol, b.Protocol),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.AppProtocol, b.AppProtocol))
	})
	return imp
}

// Condition is a condition without its transition time, for
// comparisons.
type Condition struct {
	// Type, Status, Reason and Message are those of the
	// metav1.Condition, such as "Conflict", "False", "NoConflict".
	Type, Status, Reason, Message string
}

// Expectation is what the final state of a world implies: the imports
// this cluster owns, by namespace/name, and each present export's
// conditions.
type Expectation struct {
	// Imports are the imports this cluster should own, sorted by
	// namespace/name, with their ports sorted.
	Imports []mcs.Import
	// Conditions are each present export's expected conditions, by
	// namespace/name.
	Conditions map[string][]Condition
}

// Expect computes, by brute force from the last event of every history, the
// imports the cluster must own and the conditions of its exports.
func Expect(w World) Expectation {
	exports, peers := finalState(w)
	out := Expectation{Conditions: map[string][]Condition{}}
	for k, e := range exports {
		self, valid := ImportFor(w.Config.ClusterID, e)
		if valid {
			out.Imports = append(out.Imports, self)
		}
		out.Conditions[k] = []Condition{validity(e), conflictOf(self, valid, peers[k])}
	}
	slices.SortFunc(out.Imports, func(a, b mcs.Import) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// finalState returns, from the last event of every history, the present
// local exports and the peers' imports, by namespace/name.
func finalState(w World) (exports map[string]mcs.ExportObserved, peers map[string][]mcs.Import) {
	exports, peers = map[string]mcs.ExportObserved{}, map[string][]mcs.Import{}
	for _, h := range w.Histories {
		if len(h.Events) == 0 {
			continue
		}
		switch ev := h.Events[len(h.Events)-1].(type) {
		case mcs.ExportObserved:
			exports[ev.Namespace+"/"+ev.Name] = ev
		case mcs.ImportObserved:
			if ev.Import.Owner != "" && ev.Import.Owner != w.Config.ClusterID {
				k := ev.Import.Namespace + "/" + ev.Import.Name
				peers[k] = append(peers[k], ev.Import)
			}
		}
	}
	return exports, peers
}

func validity(e mcs.ExportObserved) Condition {
	switch e.Service.Type {
	case mcs.ExportServiceNone:
		return Condition{"Valid", "False", "NoService", "no Service " + e.Namespace + "/" + e.Name}
	case mcs.ExportServiceExternalName:
		return Condition{"Valid", "False", "InvalidServiceType", "an ExternalName Service cannot be exported"}
	}
	return Condition{"Valid", "True", "Valid", ""}
}

// conflictOf applies KEP-1645 by brute force to the service of a valid
// export: every export of a conflicted service carries the same Conflict
// condition, the winner's too. The oldest valid export (creation time,
// then cluster ID) wins; an export of another type loses on type and its
// ports are not merged; among the rest, the younger of two exports loses on
// ports when a port of each differs from the other yet shares its name or
// its protocol and number.
func conflictOf(self mcs.Import, valid bool, peers []mcs.Import) Condition {
	none := Condition{"Conflict", "False", "NoConflicts", ""}
	if !valid || len(peers) == 0 {
		return none
	}
	all := append([]mcs.Import{self}, peers...)
	slices.SortFunc(all, func(a, b mcs.Import) int {
		if older(a, b) {
			return -1
		}
		return 1
	})
	winner := all[0]
	var typeLosers, portLosers []string
	for _, e := range all {
		if e.Type != winner.Type {
			typeLosers = append(typeLosers, e.Owner)
			continue
		}
		if slices.ContainsFunc(all, func(f mcs.Import) bool {
			return f.Type == winner.Type && older(f, e) && collide(f.Ports, e.Ports)
		}) {
			portLosers = append(portLosers, e.Owner)
		}
	}
	var reasons, parts []string
	if len(portLosers) > 0 {
		reasons = append(reasons, "PortConflict")
		parts = append(parts, "ports of "+strings.Join(portLosers, ", ")+" collide with an older export's by name or by protocol and number")
	}
	if len(typeLosers) > 0 {
		reasons = append(reasons, "TypeConflict")
		parts = append(parts, "the type of "+strings.Join(typeLosers, ", ")+" differs")
	}
	if len(reasons) == 0 {
		return none
	}
	return Condition{"Conflict", "True", strings.Join(reasons, ","),
		"the export of cluster " + winner.Owner + " is the oldest and wins: " + strings.Join(parts, "; ")}
}

// collide reports whether KEP-1645's Service Port rules forbid merging two
// port lists: a port of each, not identical, with the same name (empty
// included) or the same protocol and number.
func collide(a, b []mcs.ExportPort) bool {
	for _, p := range a {
		for _, q := range b {
			if p != q && (p.Name == q.Name || p.Protocol == q.Protocol && p.Port == q.Port) {
				return true
			}
		}
	}
	return false
}
