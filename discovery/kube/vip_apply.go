package kube

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/meshstate/meshstate/discovery"
)

// commitKey is the retry key of a failed Commit.
const commitKey = "commit"

func vipKey(vip netip.Addr) string { return "vip " + vip.String() }

// flush applies the batch's effects in order, then the retries that fell
// due in it for VIPs the batch did not decide again, then commits if the
// Announcer batches.
func (a *VIPAdapter) flush(ctx context.Context) {
	n := len(a.batch)
	for _, e := range a.batch {
		delete(a.due, e.VIP) // decided again: its retry is moot
		a.call(ctx, e)
	}
	clear(a.batch)
	a.batch = a.batch[:0]
	retried := len(a.due) > 0
	for _, vip := range sortedVIPs(a.due) {
		delete(a.due, vip)
		if e, ok := a.failed[vip]; ok {
			a.call(ctx, e)
		}
	}
	if a.m.Synced() && (n > 0 || retried || !a.committed || a.recommit) {
		a.commit(ctx)
	}
}

// call applies one effect. A failure keeps the effect, the latest the
// machine made for its VIP, for the retry.
func (a *VIPAdapter) call(ctx context.Context, e discovery.VIPEffect) {
	var err error
	switch e.Kind {
	case discovery.Advertise:
		err = a.cfg.Announcer.Announce(ctx, e.VIP, slices.Clone(e.Services))
	case discovery.Withdraw:
		err = a.cfg.Announcer.Withdraw(ctx, e.VIP)
	}
	if err != nil {
		a.failed[e.VIP] = e
		a.core.failed(vipKey(e.VIP), e.Kind.String(), e.VIP.String(), err, nil)
		return
	}
	delete(a.failed, e.VIP)
	a.succeeded(vipKey(e.VIP))
	a.log.V(1).Info("applied", "op", e.Kind.String(), "vip", e.VIP.String(), "services", e.Services)
}

// commit calls the Announcer's Commit, if it has one.
func (a *VIPAdapter) commit(ctx context.Context) {
	a.committed, a.recommit = true, false
	c, ok := a.cfg.Announcer.(Committer)
	if !ok {
		return
	}
	if err := c.Commit(ctx); err != nil {
		a.core.failed(commitKey, "Commit", "", err, nil)
		return
	}
	a.succeeded(commitKey)
}

// retry notes a due retry; flush applies it after the batch.
func (a *VIPAdapter) retry(d retryDue) {
	if !a.retries.due(d) {
		return // superseded since it was armed
	}
	if d.key == commitKey {
		a.recommit = true
		return
	}
	vip, err := netip.ParseAddr(strings.TrimPrefix(d.key, "vip "))
	if _, ok := a.failed[vip]; err == nil && ok {
		a.due[vip] = true
		return
	}
	a.succeeded(d.key)
}

func sortedVIPs(set map[netip.Addr]bool) []netip.Addr {
	out := make([]netip.Addr, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out
}
