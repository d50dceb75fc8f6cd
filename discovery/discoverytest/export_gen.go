package discoverytest

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery"
)

// ExportGenConfig shapes generated export/import worlds.
type ExportGenConfig struct {
	// ClusterID is the local cluster's; zero means "west".
	ClusterID string
	// Peers are the other clusters exporting the same services; nil means
	// east and north.
	Peers []string
	// Changes bounds the changes in each object's history after its initial
	// state; zero means 3.
	Changes int
}

func (c ExportGenConfig) withDefaults() ExportGenConfig {
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

// ExportSource is the informer an object's events come from.
type ExportSource uint8

// The two sources the machine waits for.
const (
	SourceExports ExportSource = iota + 1
	SourceImports
)

// ExportHistory is one object's events, in the order its informer
// delivers them. The first Listed of them (0 or 1) are the initial list:
// the source's synced marker comes only after every object's listed events.
type ExportHistory struct {
	Source ExportSource
	Listed int
	Events []discovery.ExportEvent
}

// ExportWorld is a generated starting point for an agent that has just
// restarted: each object's history (local exports with their Services,
// imports this cluster created in a previous lifetime, imports of peer
// clusters, broker aggregates).
type ExportWorld struct {
	Config    discovery.ExportConfig
	Histories []ExportHistory
}

// GenExportWorld generates worlds over six services in two namespaces,
// with frequent ties in export creation times (broken by cluster ID),
// conflicting ports and types, Services missing or of an invalid type,
// owned imports that match their export, are stale or orphaned, and
// histories of updates, deletions and recreations.
func GenExportWorld(cfg ExportGenConfig) *rapid.Generator[ExportWorld] {
	cfg = cfg.withDefaults()
	return rapid.Custom(func(t *rapid.T) ExportWorld {
		g := &exportGen{t: t, cfg: cfg}
		w := ExportWorld{Config: discovery.ExportConfig{ClusterID: cfg.ClusterID}}
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
	cfg ExportGenConfig
}

// ExportEpoch is the generated worlds' earliest creation time.
var ExportEpoch = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)

// createdAt draws from four instants, so that exports tie often.
func (g *exportGen) createdAt() time.Time {
	return ExportEpoch.Add(time.Duration(rapid.IntRange(0, 3).Draw(g.t, "createdAt")) * time.Hour)
}

// ports draws a valid port list. The web port is named "http" or "web"
// and comes on 80 or 8080, so that two exports disagree on its number
// under one name, and on its name under one number (KEP-1645's two port
// rules).
func (g *exportGen) ports() []discovery.ExportPort {
	var out []discovery.ExportPort
	if rapid.Bool().Draw(g.t, "http") {
		out = append(out, discovery.ExportPort{Name: rapid.SampledFrom([]string{"http", "http", "web"}).Draw(g.t, "httpName"),
			Protocol: "TCP", Port: rapid.SampledFrom([]int32{80, 8080}).Draw(g.t, "httpPort")})
	}
	if rapid.Bool().Draw(g.t, "dns") {
		out = append(out, discovery.ExportPort{Name: "dns", Protocol: "UDP", Port: 53})
	}
	if rapid.IntRange(0, 3).Draw(g.t, "grpc") == 0 {
		out = append(out, discovery.ExportPort{Name: "grpc", Protocol: "TCP", Port: 9090, AppProtocol: "grpc"})
	}
	if len(out) > 1 && rapid.Bool().Draw(g.t, "reversed") {
		out[0], out[len(out)-1] = out[len(out)-1], out[0] // order must not matter
	}
	return out
}

func (g *exportGen) service() discovery.ExportService {
	typ := rapid.SampledFrom([]discovery.ExportServiceType{discovery.ExportServiceClusterIP, discovery.ExportServiceClusterIP,
		discovery.ExportServiceHeadless, discovery.ExportServiceNone, discovery.ExportServiceExternalName}).Draw(g.t, "serviceType")
	if typ == discovery.ExportServiceNone {
		return discovery.ExportService{}
	}
	return discovery.ExportService{Type: typ, Ports: g.ports()}
}

func (g *exportGen) importType() discovery.ImportType {
	return rapid.SampledFrom([]discovery.ImportType{discovery.ImportClusterSetIP, discovery.ImportClusterSetIP,
		discovery.ImportHeadless}).Draw(g.t, "importType")
}

// services generates the histories of every object of one service.
func (g *exportGen) services(ns, name string) []ExportHistory {
	export := g.exportHistory(ns, name)
	out := []ExportHistory{export}
	// The import a previous lifetime created: matching the export's
	// initial state, stale, or orphaned.
	if rapid.Bool().Draw(g.t, "owned") {
		imp := g.randomImport(ns, name, g.cfg.ClusterID)
		if export.Listed == 1 && rapid.Bool().Draw(g.t, "ownedMatches") {
			if want, ok := ImportFor(g.cfg.ClusterID, export.Events[0].(discovery.ExportObserved)); ok {
				imp = want
			}
		}
		out = append(out, ExportHistory{Source: SourceImports, Listed: 1, Events: []discovery.ExportEvent{discovery.ImportObserved{Import: imp}}})
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

func (g *exportGen) randomImport(ns, name, owner string) discovery.Import {
	imp := discovery.Import{Namespace: ns, Name: name, Owner: owner, Type: g.importType(), Ports: g.ports()}
	if owner != "" {
		imp.ExportCreatedAt = g.createdAt()
	}
	return imp
}

func (g *exportGen) exportHistory(ns, name string) ExportHistory {
	h := ExportHistory{Source: SourceExports}
	present := rapid.IntRange(0, 3).Draw(g.t, "exportListed") > 0
	var cur discovery.ExportObserved
	if present {
		cur = discovery.ExportObserved{Namespace: ns, Name: name, CreatedAt: g.createdAt(), Service: g.service()}
		h.Listed = 1
		h.Events = append(h.Events, cur)
	}
	for range rapid.IntRange(0, g.cfg.Changes).Draw(g.t, "exportChanges") {
		switch {
		case !present:
			cur = discovery.ExportObserved{Namespace: ns, Name: name, CreatedAt: g.createdAt(), Service: g.service()}
			h.Events = append(h.Events, cur)
			present = true
		case rapid.IntRange(0, 2).Draw(g.t, "exportChange") == 0:
			h.Events = append(h.Events, discovery.ExportDeleted{Namespace: ns, Name: name})
			present = false
		default: // the Service changed, or a resync
			cur.Service = g.service()
			h.Events = append(h.Events, cur)
		}
	}
	return h
}

func (g *exportGen) importHistory(ns, name, owner string) ExportHistory {
	h := ExportHistory{Source: SourceImports}
	present := rapid.Bool().Draw(g.t, fmt.Sprintf("listed-%s", owner))
	if present {
		h.Listed = 1
		h.Events = append(h.Events, discovery.ImportObserved{Import: g.randomImport(ns, name, owner)})
	}
	for range rapid.IntRange(0, g.cfg.Changes).Draw(g.t, "importChanges") {
		if present && rapid.IntRange(0, 2).Draw(g.t, "importChange") == 0 {
			h.Events = append(h.Events, discovery.ImportDeleted{Namespace: ns, Name: name, Owner: owner})
			present = false
			continue
		}
		h.Events = append(h.Events, discovery.ImportObserved{Import: g.randomImport(ns, name, owner)})
		present = true
	}
	return h
}
