package viptest

import (
	"fmt"
	"net/netip"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip"
)

// GenConfig shapes generated VIP worlds. Zero fields take small
// defaults, so that VIPs are shared and services and slices collide often.
type GenConfig struct {
	// NodeName is the local node; zero means "node-a". Endpoints land on it,
	// on "node-b" or on no node.
	NodeName string
	// Services bounds the Service keys (namespace/name); zero means 4.
	Services int
	// Slices bounds the EndpointSlice keys; zero means 5.
	Slices int
	// Actions bounds the events in one object's history; zero means 5.
	Actions int
}

func (c GenConfig) withDefaults() GenConfig {
	if c.NodeName == "" {
		c.NodeName = "node-a"
	}
	if c.Services <= 0 {
		c.Services = 4
	}
	if c.Slices <= 0 {
		c.Slices = 5
	}
	if c.Actions <= 0 {
		c.Actions = 5
	}
	return c
}

// Pool is the addresses generated Services draw their VIPs from: few,
// so that Services share them.
var Pool = []netip.Addr{
	netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2"),
	netip.MustParseAddr("192.0.2.3"), netip.MustParseAddr("2001:db8::1"),
}

var vipNamespaces = []string{"default", "prod"}

// History is one object's own events, in the order its informer
// delivers them: creations, updates, deletions and recreations.
type History struct {
	Object string // "service default/svc-0" or "slice default/slice-1"
	// Events are the object's events in delivery order.
	Events []vip.Event
}

// Histories generates the histories of up to cfg.Services Services and
// cfg.Slices EndpointSlices. Slices name Services that may never exist;
// updates change VIPs, type, traffic policy, endpoint conditions and nodes,
// and sometimes the owning Service; objects are deleted and recreated with
// new UIDs, with or without a deletion in between.
func Histories(cfg GenConfig) *rapid.Generator[[]History] {
	cfg = cfg.withDefaults()
	return rapid.Custom(func(t *rapid.T) []History {
		g := &vipGen{t: t, cfg: cfg}
		var out []History
		for i := range rapid.IntRange(0, cfg.Services).Draw(t, "services") {
			ns, name := vipNamespaces[i/3%2], fmt.Sprintf("svc-%d", i%3)
			out = append(out, g.history("service "+ns+"/"+name, func(uid string) vip.Event {
				return vip.ServiceUpsert{Service: g.service(ns, name, uid)}
			}, func(uid string) vip.Event {
				return vip.ServiceDeleted{Namespace: ns, Name: name, UID: uid}
			}))
		}
		for i := range rapid.IntRange(0, cfg.Slices).Draw(t, "slices") {
			ns, name := rapid.SampledFrom(vipNamespaces).Draw(t, "sliceNamespace"), fmt.Sprintf("slice-%d", i)
			out = append(out, g.history("slice "+ns+"/"+name, func(uid string) vip.Event {
				return vip.SliceUpsert{Slice: g.slice(ns, name, uid)}
			}, func(uid string) vip.Event {
				return vip.SliceDeleted{Namespace: ns, Name: name, UID: uid}
			}))
		}
		return out
	})
}

type vipGen struct {
	t      *rapid.T
	cfg    GenConfig
	serial int
}

func (g *vipGen) history(object string, upsert, del func(uid string) vip.Event) History {
	h := History{Object: object}
	uid := ""
	for range rapid.IntRange(1, g.cfg.Actions).Draw(g.t, "actions") {
		switch a := rapid.IntRange(0, 9).Draw(g.t, "action"); {
		case uid == "" || a == 9: // create, or recreate without a deletion seen
			g.serial++
			uid = fmt.Sprintf("u-%d", g.serial)
			h.Events = append(h.Events, upsert(uid))
		case a < 6:
			h.Events = append(h.Events, upsert(uid))
		default:
			h.Events = append(h.Events, del(uid))
			uid = ""
		}
	}
	return h
}

func (g *vipGen) service(ns, name, uid string) vip.Service {
	s := vip.Service{Namespace: ns, Name: name, UID: uid,
		Type: rapid.SampledFrom([]vip.ServiceType{vip.ServiceTypeLoadBalancer,
			vip.ServiceTypeLoadBalancer, vip.ServiceTypeLoadBalancer, vip.ServiceTypeClusterIP, ""}).Draw(g.t, "type"),
		ExternalTrafficPolicy: rapid.SampledFrom([]vip.ServiceTrafficPolicy{"", vip.ServiceTrafficCluster,
			vip.ServiceTrafficLocal}).Draw(g.t, "policy"),
	}
	for _, i := range rapid.SliceOfNDistinct(rapid.IntRange(0, len(Pool)-1), 0, 2, rapid.ID[int]).Draw(g.t, "vips") {
		s.VIPs = append(s.VIPs, Pool[i])
	}
	return s
}

func (g *vipGen) slice(ns, name, uid string) vip.Slice {
	s := vip.Slice{Namespace: ns, Name: name, UID: uid,
		ServiceName: fmt.Sprintf("svc-%d", rapid.IntRange(0, 3).Draw(g.t, "owner"))}
	cond := rapid.SampledFrom([]*bool{nil, ptr(true), ptr(false)})
	for range rapid.IntRange(0, 3).Draw(g.t, "endpoints") {
		s.Endpoints = append(s.Endpoints, vip.SliceEndpoint{
			Conditions: vip.SliceConditions{Ready: cond.Draw(g.t, "ready"), Serving: cond.Draw(g.t, "serving"),
				Terminating: cond.Draw(g.t, "terminating")},
			NodeName: rapid.SampledFrom([]string{g.cfg.NodeName, "node-b", ""}).Draw(g.t, "node"),
			// Hostnames that name this node or another, with or without a
			// NodeName, reach the hostname fallback and its precedence.
			Hostname: rapid.SampledFrom([]string{"", g.cfg.NodeName, "node-b"}).Draw(g.t, "hostname"),
		})
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// Interleave generates a delivery order of the histories that keeps
// each object's own events in order, with ServicesSynced and SlicesSynced
// anywhere. Its orders include every slice before any Service (incident
// 004) and every Service before any slice.
func Interleave(hs []History) *rapid.Generator[[]vip.Event] {
	return rapid.Custom(func(t *rapid.T) []vip.Event {
		next := make([]int, len(hs))
		var out []vip.Event
		mode := rapid.IntRange(0, 2).Draw(t, "mode") // 0: any, 1: slices first, 2: services first
		for {
			var ready []int
			for i, h := range hs {
				if next[i] == len(h.Events) {
					continue
				}
				_, slice := h.Events[0].(vip.SliceUpsert)
				if mode == 0 || (mode == 1) == slice {
					ready = append(ready, i)
				}
			}
			if len(ready) == 0 && mode != 0 {
				mode = 0
				continue
			}
			if len(ready) == 0 {
				break
			}
			i := ready[rapid.IntRange(0, len(ready)-1).Draw(t, "pick")]
			out = append(out, hs[i].Events[next[i]])
			next[i]++
		}
		for _, marker := range []vip.Event{vip.ServicesSynced{}, vip.SlicesSynced{}} {
			at := rapid.IntRange(0, len(out)).Draw(t, "synced")
			out = append(out[:at], append([]vip.Event{marker}, out[at:]...)...)
		}
		return out
	})
}
