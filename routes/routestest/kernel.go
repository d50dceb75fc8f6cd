package routestest

import (
	"maps"
	"slices"

	"github.com/meshstate/meshstate/routes"
)

// Kernel is a fake kernel's routing state: routes by their kernel key
// (a replace overwrites the route with the same key, whoever owns it) and
// rules by value.
type Kernel struct {
	// Routes are the kernel's routes, ours and others', by kernel key.
	Routes map[routes.RouteKey]routes.Route
	// Rules are the kernel's policy rules; a rule is present when true.
	Rules map[routes.Rule]bool
}

// NewKernel returns an empty kernel.
func NewKernel() *Kernel {
	return &Kernel{Routes: map[routes.RouteKey]routes.Route{}, Rules: map[routes.Rule]bool{}}
}

// Apply performs a write as the kernel would and returns the class of its
// outcome: deleting what is absent is Gone, adding a present rule Exists.
func (k *Kernel) Apply(op routes.Effect) routes.Class {
	switch op.Kind {
	case routes.ReplaceRoute:
		k.Routes[op.Route.Key()] = op.Route
	case routes.DeleteRoute:
		if r, ok := k.Routes[op.Route.Key()]; !ok || r != op.Route {
			return routes.Gone
		}
		delete(k.Routes, op.Route.Key())
	case routes.AddRule:
		if k.Rules[op.Rule] {
			return routes.Exists
		}
		k.Rules[op.Rule] = true
	case routes.DeleteRule:
		if !k.Rules[op.Rule] {
			return routes.Gone
		}
		delete(k.Rules, op.Rule)
	}
	return routes.OK
}

// Dump returns everything the kernel holds, sorted, as a complete Dump.
func (k *Kernel) Dump() routes.Dump {
	rs := slices.SortedFunc(maps.Values(k.Routes), CompareRoutes)
	ru := slices.SortedFunc(maps.Keys(k.Rules), CompareRules)
	return routes.Dump{Routes: rs, Rules: ru, Complete: true}
}

// Owned returns the routes and rules carrying cfg's marker, sorted.
func (k *Kernel) Owned(cfg routes.Config) ([]routes.Route, []routes.Rule) {
	var rs []routes.Route
	var ru []routes.Rule
	d := k.Dump()
	for _, r := range d.Routes {
		if cfg.OwnsRoute(r) {
			rs = append(rs, r)
		}
	}
	for _, r := range d.Rules {
		if cfg.OwnsRule(r) {
			ru = append(ru, r)
		}
	}
	return rs, ru
}

// Foreign returns what does not carry cfg's marker, sorted.
func (k *Kernel) Foreign(cfg routes.Config) ([]routes.Route, []routes.Rule) {
	var rs []routes.Route
	var ru []routes.Rule
	d := k.Dump()
	for _, r := range d.Routes {
		if !cfg.OwnsRoute(r) {
			rs = append(rs, r)
		}
	}
	for _, r := range d.Rules {
		if !cfg.OwnsRule(r) {
			ru = append(ru, r)
		}
	}
	return rs, ru
}

// CompareRoutes orders routes by table, destination, metric, then the
// rest, for sorting.
func CompareRoutes(a, b routes.Route) int {
	return compareStrings(a.String(), b.String())
}

// CompareRules orders rules by their text form.
func CompareRules(a, b routes.Rule) int { return compareStrings(a.String(), b.String()) }

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
