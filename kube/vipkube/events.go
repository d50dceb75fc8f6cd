package vipkube

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/internal/adaptercore"
	"github.com/meshstate/meshstate/kube/internal/informer"
)

// handle turns one queued item into the machine's event and steps it: an
// informer's item, or a retry timer that fired (superseded ones are
// dropped).
func (a *Adapter) handle(it informer.Item) {
	if it.Source == adaptercore.TimerSource {
		if k, ok := a.timers.Fired(it); ok {
			a.step(vip.RetryDue{Kind: k.kind, VIP: k.vip})
		}
		return
	}
	if ev := a.event(it); ev != nil {
		a.step(ev)
	}
}

// event translates an item; nil means there is nothing to step.
func (a *Adapter) event(it informer.Item) vip.Event {
	ns, name := adaptercore.SplitKey(it.Key)
	switch {
	case it.Op == informer.Synced && it.Source == srcServices:
		return vip.ServicesSynced{}
	case it.Op == informer.Synced:
		return vip.SlicesSynced{}
	case it.Source == srcServices && it.Op == informer.Delete:
		uid := ""
		if s, ok := it.Obj.(*corev1.Service); ok {
			uid = string(s.UID)
		}
		return vip.ServiceDeleted{Namespace: ns, Name: name, UID: uid}
	case it.Source == srcServices:
		s, ok := it.Obj.(*corev1.Service)
		if !ok {
			a.core.Skip(it, adaptercore.Malformed(it.Source, it.Obj))
			return nil
		}
		svc, err := vipService(s, a.annotations)
		if err != nil {
			// Skipped, not refused: the Service's other addresses and the
			// rest of it still count (see vip.ServiceAddresses.VIPs).
			a.cfg.Log.Info("service address values left out", "service", it.Key, "error", err.Error())
		}
		return vip.ServiceUpsert{Service: svc}
	case it.Op == informer.Delete:
		if !a.m.HoldsSlice(ns, name) {
			return nil // never accepted: the machine does not know it
		}
		uid := ""
		if s, ok := it.Obj.(*discoveryv1.EndpointSlice); ok {
			uid = string(s.UID)
		}
		return vip.SliceDeleted{Namespace: ns, Name: name, UID: uid}
	}
	s, ok := it.Obj.(*discoveryv1.EndpointSlice)
	if !ok {
		a.core.Skip(it, adaptercore.Malformed(it.Source, it.Obj))
		return nil
	}
	slice, labelled := vipSlice(s)
	if !labelled {
		// A slice of no Service (a custom one, or its label removed): if
		// the machine holds an older version, it no longer counts.
		if a.m.HoldsSlice(ns, name) {
			return vip.SliceDeleted{Namespace: ns, Name: name}
		}
		return nil
	}
	return vip.SliceUpsert{Slice: slice}
}

// step traces ev, steps the machine and keeps the effects for flush.
func (a *Adapter) step(ev vip.Event) {
	a.core.Record(ev)
	var err error
	a.batch, err = a.m.AppendStep(a.batch, ev)
	a.core.Stepped(ev, err)
	if err != nil {
		return
	}
	switch ev.(type) {
	case vip.ServicesSynced, vip.SlicesSynced:
		a.core.MarkSynced(a.m.HasSynced())
	}
}
