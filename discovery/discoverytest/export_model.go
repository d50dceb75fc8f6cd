package discoverytest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/meshstate/meshstate/discovery"
)

// ImportFor is the model's import that cluster owns for an export, and
// whether the export is valid (its Service exists and is not an
// ExternalName).
func ImportFor(cluster string, e discovery.ExportObserved) (discovery.Import, bool) {
	typ, ok := map[discovery.ExportServiceType]discovery.ImportType{
		discovery.ExportServiceClusterIP: discovery.ImportClusterSetIP,
		discovery.ExportServiceHeadless:  discovery.ImportHeadless,
	}[e.Service.Type]
	if !ok {
		return discovery.Import{}, false
	}
	return Normalized(discovery.Import{Namespace: e.Namespace, Name: e.Name, Owner: cluster, Type: typ,
		Ports: e.Service.Ports, ExportCreatedAt: e.CreatedAt}), true
}

// Normalized returns imp with its ports sorted by name, protocol, port and
// app protocol: port order carries no meaning, and the machine compares
// imports in this form.
func Normalized(imp discovery.Import) discovery.Import {
	imp.Ports = slices.Clone(imp.Ports)
	slices.SortFunc(imp.Ports, func(a, b discovery.ExportPort) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Protocol, b.Protocol),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.AppProtocol, b.AppProtocol))
	})
	return imp
}

// ExportCondition is a condition without its transition time, for
// comparisons.
type ExportCondition struct{ Type, Status, Reason, Message string }

// ExportExpectation is what the final state of a world implies: the imports
// this cluster owns, by namespace/name, and each present export's
// conditions.
type ExportExpectation struct {
	Imports    []discovery.Import
	Conditions map[string][]ExportCondition // by namespace/name
}

// Expect computes, by brute force from the last event of every history, the
// imports the cluster must own and the conditions of its exports.
func Expect(w ExportWorld) ExportExpectation {
	exports := map[string]discovery.ExportObserved{}
	peers := map[string][]discovery.Import{}
	for _, h := range w.Histories {
		if len(h.Events) == 0 {
			continue
		}
		switch ev := h.Events[len(h.Events)-1].(type) {
		case discovery.ExportObserved:
			exports[ev.Namespace+"/"+ev.Name] = ev
		case discovery.ImportObserved:
			if ev.Import.Owner != "" && ev.Import.Owner != w.Config.ClusterID {
				k := ev.Import.Namespace + "/" + ev.Import.Name
				peers[k] = append(peers[k], ev.Import)
			}
		}
	}
	out := ExportExpectation{Conditions: map[string][]ExportCondition{}}
	for k, e := range exports {
		self, valid := ImportFor(w.Config.ClusterID, e)
		if valid {
			out.Imports = append(out.Imports, self)
		}
		out.Conditions[k] = []ExportCondition{validity(e), conflictOf(self, valid, peers[k])}
	}
	slices.SortFunc(out.Imports, func(a, b discovery.Import) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}

func validity(e discovery.ExportObserved) ExportCondition {
	switch e.Service.Type {
	case discovery.ExportServiceNone:
		return ExportCondition{"Valid", "False", "NoService", "no Service " + e.Namespace + "/" + e.Name}
	case discovery.ExportServiceExternalName:
		return ExportCondition{"Valid", "False", "InvalidServiceType", "an ExternalName Service cannot be exported"}
	}
	return ExportCondition{"Valid", "True", "Valid", ""}
}

// conflictOf: the oldest export (creation time, then cluster ID) wins;
// self conflicts on type with the oldest, and on ports with any older one
// defining a port of the same name differently.
func conflictOf(self discovery.Import, valid bool, peers []discovery.Import) ExportCondition {
	none := ExportCondition{"Conflict", "False", "NoConflicts", ""}
	if !valid {
		return none
	}
	older := func(a, b discovery.Import) bool {
		return a.ExportCreatedAt.Before(b.ExportCreatedAt) ||
			a.ExportCreatedAt.Equal(b.ExportCreatedAt) && a.Owner < b.Owner
	}
	oldest := self
	ports := false
	for _, p := range peers {
		if !older(p, self) {
			continue
		}
		if older(p, oldest) {
			oldest = p
		}
		for _, a := range p.Ports {
			for _, b := range self.Ports {
				if a.Name == b.Name && a != b {
					ports = true
				}
			}
		}
	}
	var reasons []string
	if ports {
		reasons = append(reasons, "PortConflict")
	}
	if oldest.Type != self.Type {
		reasons = append(reasons, "TypeConflict")
	}
	if len(reasons) == 0 {
		return none
	}
	return ExportCondition{"Conflict", "True", strings.Join(reasons, ","), "the export of cluster " + oldest.Owner + " is older and wins"}
}
