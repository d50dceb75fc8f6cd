package main

import (
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/cnitest"
)

// The field's route agent before the fix: it tried 12 times, 4 s apart
// growing ×1.2, then gave up for good.
const (
	fieldTries      = 12
	fieldInitial    = 4 * time.Second
	fieldMultiplier = 1.2
)

func replay002(w io.Writer) (res result, _ error) {
	s, err := open(w, cnitest.Scenarios, "002")
	if err != nil {
		return res, err
	}
	res.title = s.Title
	lines, m, replayErr := s.Replay()
	var start, found time.Time
	discoveries, waited := 0, false
	for i, l := range lines {
		printStep(w, i, l.Step.Note, describeCNI(l.Event), l.Effects, l.Err, l.Problem)
		at := eventTime(l.Event)
		if start.IsZero() {
			start = at
		}
		for _, e := range l.Effects {
			switch e.Kind {
			case cni.Discovered:
				if discoveries == 0 {
					found = at
				}
				discoveries++
			case cni.Waiting:
				waited = true
			}
		}
	}
	if replayErr != nil {
		return res, replayErr
	}

	var cfg cni.Config
	if err := s.DecodeConfig(&cfg); err != nil {
		return res, err
	}
	fieldFound, gaveUp := fieldDiscovery(lines, cfg.PodCIDRs)
	cur, has := m.Current()
	res.field = fmt.Sprintf("gave up after %d tries, %v after start", fieldTries, gaveUp.Round(time.Second))
	if fieldFound {
		res.field = "found the interface"
	}
	fmt.Fprintf(w, "\n    field logic (re-implemented): %d tries, gave up %v after start; discovered: %v\n",
		fieldTries, gaveUp.Round(time.Second), fieldFound)
	fmt.Fprintf(w, "    meshstate:                    discovered %v after start, on the address event; now %v\n\n",
		found.Sub(start).Round(time.Second), cur)

	switch {
	case fieldFound:
		return res.judge(false, "the scenario does not reproduce the incident: the field logic finds the interface")
	case !has || discoveries < 2:
		return res.judge(false, fmt.Sprintf("%d discoveries, holding %v (%v): want the interface found and re-found", discoveries, cur, has))
	case !waited:
		return res.judge(false, "no Waiting effect past the field's give-up point")
	case found.Sub(start) <= gaveUp:
		return res.judge(false, "the interface appears before the field's give-up point: no contrast")
	}
	return res.judge(true, fmt.Sprintf("tunl0 appeared %v after the field logic had given up; meshstate, still retrying, "+
		"discovered it on its address event and followed its address change to %v",
		found.Sub(start).Round(time.Second)-gaveUp.Round(time.Second), cur.Address))
}

// fieldDiscovery runs the field logic over the scenario: it looks only at
// relists (it subscribed to nothing), counts them as tries, and stops after
// fieldTries. It reports whether one of its tries found the interface, and
// when it gave up, measured on its own schedule.
func fieldDiscovery(lines []cnitest.Line, podCIDRs []netip.Prefix) (bool, time.Duration) {
	tries := 0
	for _, l := range lines {
		snap, ok := l.Event.(cni.Snapshot)
		if !ok || tries == fieldTries {
			continue
		}
		tries++
		if _, ok := cni.Choose(snap.Links, podCIDRs); ok {
			return true, 0
		}
	}
	var gaveUp time.Duration
	d := fieldInitial
	for range fieldTries - 1 {
		gaveUp += d
		d = time.Duration(float64(d) * fieldMultiplier)
	}
	return false, gaveUp
}

func eventTime(ev cni.Event) time.Time {
	switch ev := ev.(type) {
	case cni.NodeReady:
		return ev.At
	case cni.Snapshot:
		return ev.At
	case cni.LinkChanged:
		return ev.At
	case cni.LinkRemoved:
		return ev.At
	case cni.AddrAdded:
		return ev.At
	case cni.AddrRemoved:
		return ev.At
	}
	return time.Time{}
}

func describeCNI(ev cni.Event) string {
	switch ev := ev.(type) {
	case cni.NodeReady:
		return fmt.Sprintf("NodeReady %v", ev.Ready)
	case cni.Snapshot:
		names := make([]string, len(ev.Links))
		for i, l := range ev.Links {
			names[i] = fmt.Sprintf("%s%v", l.Name, l.Addrs)
		}
		return fmt.Sprintf("Snapshot %v", names)
	case cni.LinkChanged:
		return fmt.Sprintf("LinkChanged %s#%d up=%v", ev.Link.Name, ev.Link.Index, ev.Link.Up)
	case cni.LinkRemoved:
		return fmt.Sprintf("LinkRemoved #%d", ev.Index)
	case cni.AddrAdded:
		return fmt.Sprintf("AddrAdded #%d %v", ev.Index, ev.Address)
	case cni.AddrRemoved:
		return fmt.Sprintf("AddrRemoved #%d %v", ev.Index, ev.Address)
	}
	return fmt.Sprintf("%T", ev)
}
