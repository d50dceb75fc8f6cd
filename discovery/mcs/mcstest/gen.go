package mcstest

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// GenConfig shapes generated export/import worlds.
type GenConfig struct {
	// ClusterID is the local cluster's; zero means "west".
	ClusterID string
	// Peers are the other clusters exporting the same services; nil means
	// east and north.
	Peers []string
	// Changes bounds the changes in each object's history after its initial
	// state; zero means 3.
	Changes int
}

func (c GenConfig) withDefaults() GenConfig {
	if c.ClusterID == "" {
		c.ClusterID = "west"
	}
	if c.Peers == nil {
		c.Peers = []string{"east", "north"}
	}
	if c.Changes <= 0 {
		c.Changes = 3
	}
	return c
}

// Source is the informer an object's events come from.
type Source uint8

// The two sources the machine waits for.
const (
	SourceExports Source = iota + 1
	SourceImports
)

// History is one object's events, in the order its informer
// delivers them. The first Listed of them (0 or 1) are the initial list:
// the source's synced marker comes only after every object's listed events.
type History struct {
	// Source is the informer that delivers the object: exports (with
	// their Services) or imports.
	Source Source
	// Listed is how many of Events belong to the initial list (0 or 1);
	// the rest arrive as watch events after the source's synced marker.
	Listed int
	// Events are the object's events in delivery order.
	Events []mcs.Event
}

// World is a generated starting point for an agent that has just
// restarted: each object's history (local exports with their Services,
// imports this cluster created in a previous lifetime, imports of peer
// clusters, broker aggregates).
type World struct {
	// Config configures the restarted machine (its cluster ID and retry
	// schedule).
	Config mcs.Config
	// Histories are the objects' histories; a run interleaves them as
	// rapid draws, keeping each one's order.
	Histories []History
}

// GenWorld generates worlds over six services in two namespaces,
// with frequent ties in export creation times (broken by cluster ID),
// conflicting ports and types, Services missing or of an invalid type,
// owned imports that match their export, are stale or orphaned, and
// histories of updates, deletions and recreations.
func GenWorld(cfg GenConfig) *rapid.Generator[World] {
	cfg = cfg.withDefaults()
	return rapid.Custom(func(t *rapid.T) World {
		g := &exportGen{t: t, cfg: cfg}
		w := World{Config: mcs.Config{ClusterID: cfg.ClusterID}}
		for _, ns := range []string{"default", "prod"} {
			for _, name := range []string{"a", "b", "c"} {
				w.Histories = append(w.Histories, g.services(ns, name)...)
			}
		}
		return w
	})
}

type exportGen struct {
	t   *rapid.T
	cfg GenConfig
}

// Epoch is the generated worlds' earliest creation time.
var Epoch = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)

// createdAt draws from four instants, so that exports tie often.
func (g *exportGen) createdAt() time.Time {
	return Epoch.Add(time.Duration(rapid.IntRange(0, 3).Draw(g.t, "createdAt")) * time.Hour)
}

// ports draws a valid port list. The web port is named "http" or "web"
// and comes on 80 or 8080, so that two exports disagree on its number
// under one name, and on its name under one number (KEP-1645's two port
// rules).
func (g *exportGen) ports() []mcs.ExportPort {
	var out []mcs.ExportPort
	if rapid.Bool().Draw(g.t, "http") {
		out = append(out, mcs.ExportPort{Name: rapid.SampledFrom([]string{"http", "http", "web"}).Draw(g.t, "httpName"),
			Protocol: "TCP", Port: rapid.SampledFrom([]int32{80, 8080}).Draw(g.t, "httpPort")})
	}
	if rapid.Bool().Draw(g.t, "dns") {
		out = append(out, mcs.ExportPort{Name: "dns", Protocol: "UDP", Port: 53})
	}
	if rapid.IntRange(0, 3).Draw(g.t, "grpc") == 0 {
		out = append(out, mcs.ExportPort{Name: "grpc", Protocol: "TCP", Port: 9090, AppProtocol: "grpc"})
	}
	if len(out) > 1 && rapid.Bool().Draw(g.t, "reversed") {
		out[0], out[len(out)-1] = out[len(out)-1], out[0] // order must not matter
	}
	return out
}

func (g *exportGen) service() mcs.ExportService {
	typ := rapid.SampledFrom([]mcs.ExportServiceType{mcs.ExportServiceClusterIP, mcs.ExportServiceClusterIP,
		mcs.ExportServiceHeadless, mcs.ExportServiceNone, mcs.ExportServiceExternalName}).Draw(g.t, "serviceType")
	if typ == mcs.ExportServiceNone {
		return mcs.ExportService{}
	}
	return mcs.ExportService{Type: typ, Ports: g.ports()}
}

func (g *exportGen) importType() mcs.ImportType {
	return rapid.SampledFrom([]mcs.ImportType{mcs.ImportClusterSetIP, mcs.ImportClusterSetIP,
		mcs.ImportHeadless}).Draw(g.t, "importType")
}

// services generates the histories of every object of one service.
func (g *exportGen) services(ns, name string) []History {
	export := g.exportHistory(ns, name)
	out := []History{export}
	// The import a previous lifetime created: matching the export's
	// initial state, stale, or orphaned.
	if rapid.Bool().Draw(g.t, "owned") {
		imp := g.randomImport(ns, name, g.cfg.ClusterID)
		if export.Listed == 1 && rapid.Bool().Draw(g.t, "ownedMatches") {
			if want, ok := ImportFor(g.cfg.ClusterID, export.Events[0].(mcs.ExportObserved)); ok {
				imp = want
			}
		}
		out = append(out, History{Source: SourceImports, Listed: 1, Events: []mcs.Event{mcs.ImportObserved{Import: imp}}})
	}
	for _, peer := range g.cfg.Peers {
		if h := g.importHistory(ns, name, peer); len(h.Events) > 0 {
			out = append(out, h)
		}
	}
	if h := g.importHistory(ns, name, ""); len(h.Events) > 0 {
		out = append(out, h)
	}
	return out
}

func (g *exportGen) randomImport(ns, name, owner string) mcs.Import {
	imp := mcs.Import{Namespace: ns, Name: name, Owner: owner, Type: g.importType(), Ports: g.ports()}
	if owner != "" {
		imp.ExportCreatedAt = g.createdAt()
	}
	return imp
}

func (g *exportGen) exportHistory(ns, name string) History {
	h := History{Source: SourceExports}
	present := rapid.IntRange(0, 3).Draw(g.t, "exportListed") > 0
	var cur mcs.ExportObserved
	if present {
		cur = mcs.ExportObserved{Namespace: ns, Name: name, CreatedAt: g.createdAt(), Service: g.service()}
		h.Listed = 1
		h.Events = append(h.Events, cur)
	}
	for range rapid.IntRange(0, g.cfg.Changes).Draw(g.t, "exportChanges") {
		switch {
		case !present:
			cur = mcs.ExportObserved{Namespace: ns, Name: name, CreatedAt: g.createdAt(), Service: g.service()}
			h.Events = append(h.Events, cur)
			present = true
		case rapid.IntRange(0, 2).Draw(g.t, "exportChange") == 0:
			h.Events = append(h.Events, mcs.ExportDeleted{Namespace: ns, Name: name})
			present = false
		default: // the Service changed, or a resync
			cur.Service = g.service()
			h.Events = append(h.Events, cur)
		}
	}
	return h
}

func (g *exportGen) importHistory(ns, name, owner string) History {
	h := History{Source: SourceImports}
	present := rapid.Bool().Draw(g.t, fmt.Sprintf("listed-%s", owner))
	if present {
		h.Listed = 1
		h.Events = append(h.Events, mcs.ImportObserved{Import: g.randomImport(ns, name, owner)})
	}
	for range rapid.IntRange(0, g.cfg.Changes).Draw(g.t, "importChanges") {
		if present && rapid.IntRange(0, 2).Draw(g.t, "importChange") == 0 {
			h.Events = append(h.Events, mcs.ImportDeleted{Namespace: ns, Name: name, Owner: owner})
			present = false
			continue
		}
		h.Events = append(h.Events, mcs.ImportObserved{Import: g.randomImport(ns, name, owner)})
		present = true
	}
	return h
}
