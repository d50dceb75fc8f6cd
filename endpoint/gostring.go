package endpoint

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// GoString formats the event as one short transcript line, such as
//
//	Upsert east/east-gw-2 uid=u2 rv=1003 seq=2 at=2025-06-30T20:04:23Z host=node-1 net=10.1.0.0/16
//
// naming the cluster and object first and then only the fields that are
// set. It is what %#v prints, so a property test's counterexample (rapid
// logs its draws with %#v) lists events a person can read. JSON encoding
// and %v are unchanged.
func (e Upsert) GoString() string { return "Upsert " + e.Endpoint.brief() }

// GoString formats the event as one short transcript line:
// "Delete east-gw-1" or "Delete east-gw-1 uid=u1".
func (e Delete) GoString() string {
	if e.UID == "" {
		return "Delete " + e.Name
	}
	return "Delete " + e.Name + " uid=" + e.UID
}

// GoString formats the event as "Synced".
func (Synced) GoString() string { return "Synced" }

// brief is an endpoint on one line: cluster/name, then the fields that are
// set, with the key fields of the order (sequence, creation time) first.
func (e *Endpoint) brief() string {
	var b strings.Builder
	b.WriteString(e.ClusterID + "/" + e.Name)
	field := func(key, value string) {
		if value != "" {
			b.WriteString(" " + key + "=" + value)
		}
	}
	field("uid", e.UID)
	field("rv", e.ResourceVersion)
	if e.Sequence != 0 {
		field("seq", fmt.Sprint(e.Sequence))
	}
	if !e.CreatedAt.IsZero() {
		field("at", e.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	field("host", e.Hostname)
	field("cable", e.CableName)
	if len(e.Subnets) > 0 {
		s := make([]string, len(e.Subnets))
		for i, p := range e.Subnets {
			s[i] = p.String()
		}
		field("net", strings.Join(s, ","))
	}
	if e.PrivateIP.IsValid() {
		field("priv", e.PrivateIP.String())
	}
	if e.PublicIP.IsValid() {
		field("pub", e.PublicIP.String())
	}
	if e.HealthCheckIP.IsValid() {
		field("hc", e.HealthCheckIP.String())
	}
	field("backend", e.Backend)
	for _, k := range slices.Sorted(maps.Keys(e.BackendConfig)) {
		field("cfg."+k, e.BackendConfig[k])
	}
	return b.String()
}
