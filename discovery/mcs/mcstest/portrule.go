package mcstest

import (
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/meshstate/meshstate/discovery/mcs"
)

// CheckPortRule checks KEP-1645's Service Port rule on a settled run,
// against the final state of its world alone: an export whose Conflict
// condition is False has no port that collides with a different port of
// an older valid export of the service (another cluster's import of the
// winning type), by name (the empty name included) or by protocol and
// number. Such ports cannot both be served: a Service has no two ports of
// one name and no two of one protocol and number.
//
// It is stated from the loser's side only, which every version of the
// machine claimed to implement, so that it isolates the port comparison:
// the machine once compared only ports of the same name, and missed
// "http 80/TCP" against "web 80/TCP".
func CheckPortRule(r *Run) error {
	exports, peers := finalState(r.World)
	for _, k := range slices.Sorted(maps.Keys(exports)) {
		c := meta.FindStatusCondition(r.Conditions[k], mcs.ExportConditionConflict)
		if c == nil || c.Status != "False" {
			continue
		}
		self, valid := ImportFor(r.World.Config.ClusterID, exports[k])
		if !valid {
			continue
		}
		winner := self
		for _, p := range peers[k] {
			if older(p, winner) {
				winner = p
			}
		}
		for _, p := range peers[k] {
			if p.Type != winner.Type || self.Type != winner.Type || !older(p, self) {
				continue
			}
			for _, a := range self.Ports {
				for _, b := range p.Ports {
					if a != b && (a.Name == b.Name || a.Protocol == b.Protocol && a.Port == b.Port) {
						return fmt.Errorf("KEP-1645 Service Port: export %s has Conflict=False/%s, but its port %v collides with %v of the older export of cluster %s",
							k, c.Reason, a, b, p.Owner)
					}
				}
			}
		}
	}
	return nil
}

// older reports whether a's export precedes b's in the MCS conflict order:
// creation time, then cluster ID.
func older(a, b mcs.Import) bool {
	return a.ExportCreatedAt.Before(b.ExportCreatedAt) || a.ExportCreatedAt.Equal(b.ExportCreatedAt) && a.Owner < b.Owner
}
