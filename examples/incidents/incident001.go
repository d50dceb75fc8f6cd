package main

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/discovery/mcs/mcstest"
)

func replay001(w io.Writer) (res result, _ error) {
	s, err := open(w, mcstest.Scenarios, "001")
	if err != nil {
		return res, err
	}
	res.title = s.Title
	lines, _, replayErr := s.Replay()
	var deleted []string
	for i, l := range lines {
		printStep(w, i, l.Step.Note, describeExport(l.Event), l.Effects, l.Err, l.Problem)
		for _, e := range l.Effects {
			if e.Kind == mcs.ImportDelete {
				deleted = append(deleted, e.Import.String())
			}
		}
	}
	if replayErr != nil {
		return res, replayErr
	}

	field := fieldPrunes(lines, "west")
	res.field = fmt.Sprintf("deleted %d valid imports", len(field))
	fmt.Fprintf(w, "\n    field logic (re-implemented): deleted %d valid imports: %v\n", len(field), field)
	fmt.Fprintf(w, "    meshstate:                    deleted %v, once, after its export was deleted\n\n", deleted)

	want := []string{"default/redis@west"}
	switch {
	case len(field) == 0:
		return res.judge(false, "the scenario does not reproduce the incident: the field logic deletes nothing")
	case !slices.Equal(deleted, want):
		return res.judge(false, fmt.Sprintf("deleted %v, want only %v", deleted, want))
	}
	return res.judge(true, fmt.Sprintf("nothing was deleted before both caches synced, the broker's aggregate and east's "+
		"imports were never touched, the restart wrote nothing, and the unexported service's import was deleted "+
		"once (the field logic deleted %d valid imports)", len(field)))
}

// fieldPrunes replays the agent's logic before the fix: as soon as the
// import cache synced, every import with no export in the (still partial)
// export cache, labelled with this cluster or not labelled at all, was an
// orphan to delete. It returns those that were valid: imports the final
// state still wants (this cluster's, for an export that arrived later) and
// every import the cluster did not own.
func fieldPrunes(lines []mcstest.Line, cluster string) []string {
	exports := map[string]bool{}
	imports := map[string]mcs.Import{}
	var pruned []mcs.Import
	for _, l := range lines {
		switch ev := l.Event.(type) {
		case mcs.ExportObserved:
			exports[ev.Namespace+"/"+ev.Name] = true
		case mcs.ImportObserved:
			imports[ev.Import.String()] = ev.Import
		case mcs.ImportsSynced:
			for _, k := range slices.Sorted(maps.Keys(imports)) {
				imp := imports[k]
				if (imp.Owner == cluster || imp.Owner == "") && !exports[imp.Namespace+"/"+imp.Name] {
					pruned = append(pruned, imp)
				}
			}
		}
	}
	var valid []string
	for _, imp := range pruned {
		if imp.Owner != cluster || exports[imp.Namespace+"/"+imp.Name] {
			valid = append(valid, imp.String())
		}
	}
	return valid
}

func describeExport(ev mcs.Event) string {
	switch ev := ev.(type) {
	case mcs.ExportObserved:
		svc := "no Service"
		if ev.Service.Type != mcs.ExportServiceNone {
			svc = fmt.Sprintf("%s Service %v", ev.Service.Type, ev.Service.Ports)
		}
		return fmt.Sprintf("ExportObserved %s/%s (created %s, %s, %d conditions recorded)",
			ev.Namespace, ev.Name, ev.CreatedAt.Format("2006-01-02 15:04"), svc, len(ev.Conditions))
	case mcs.ExportDeleted:
		return fmt.Sprintf("ExportDeleted %s/%s", ev.Namespace, ev.Name)
	case mcs.ImportObserved:
		return fmt.Sprintf("ImportObserved %v (%s %v)", ev.Import, ev.Import.Type, ev.Import.Ports)
	case mcs.ImportDeleted:
		return "ImportDeleted " + mcs.Import{Namespace: ev.Namespace, Name: ev.Name, Owner: ev.Owner}.String()
	default:
		return fmt.Sprintf("%T", ev)[len("mcs."):]
	}
}
