package ipamkube

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
)

// ReportingController names the adapter in the Events it records
// (events.k8s.io/v1 reportingController).
const ReportingController = "meshstate.io/ipam"

// noteLimit is the API server's limit on an Event's note.
const noteLimit = 1024

// notify applies a Notify effect: the decision is logged at the default
// verbosity and recorded as an Event regarding the owner.
func (s *session) notify(rec *record, n ipam.Notice) {
	s.a.metrics.notice(n)
	typ := corev1.EventTypeNormal
	if n.Warning {
		typ = corev1.EventTypeWarning
	}
	s.log.Info("GlobalIP "+n.Reason, "owner", rec.key, "type", typ, "message", n.Message)
	s.dispatch(job{kind: jobEvent, key: rec.key, owner: rec.owner, event: s.event(rec, typ, n)})
}

// refused reports an edit a running machine refused (ErrWantChanged):
// logged and recorded as an Event once per generation of the object, as
// a restarted machine would say it with its CountChangeRefused condition.
// The object keeps its addresses; the edit has no effect.
func (s *session) refused(ev ipam.Event, err error) bool {
	var rej *ipam.RejectedError
	if !errors.As(err, &rej) {
		return false
	}
	n, ok := rej.Notice()
	if !ok {
		return false
	}
	rec := s.owners[rej.Owner.String()]
	if rec == nil || rec.owner.UID != rej.Owner.UID {
		return true
	}
	gen := rec.obj.GetGeneration()
	if rec.refusedGen == gen {
		s.log.V(1).Info("edit refused again", "owner", rec.key, "generation", gen, "event", ev)
		return true
	}
	rec.refusedGen = gen
	s.log.Info("refused an edit of the number of addresses", "owner", rec.key, "generation", gen, "message", n.Message)
	s.a.metrics.notice(n)
	s.dispatch(job{kind: jobEvent, key: rec.key, owner: rec.owner, event: s.event(rec, corev1.EventTypeWarning, n)})
	return true
}

// event is the events.k8s.io/v1 Event for a notice about rec's owner.
func (s *session) event(rec *record, typ string, n ipam.Notice) *eventsv1.Event {
	note := n.Message
	if len(note) > noteLimit {
		note = note[:noteLimit-3]
		for !utf8.ValidString(note) {
			note = note[:len(note)-1]
		}
		note += "..."
	}
	return &eventsv1.Event{
		ObjectMeta:          metav1.ObjectMeta{GenerateName: eventPrefix(rec.owner.Name), Namespace: rec.owner.Namespace},
		EventTime:           metav1.NewMicroTime(s.now()),
		ReportingController: ReportingController,
		ReportingInstance:   s.a.instance,
		Action:              n.Action,
		Reason:              n.Reason,
		Type:                typ,
		Note:                note,
		Regarding: corev1.ObjectReference{
			APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "GlobalIP",
			Namespace: rec.owner.Namespace, Name: rec.owner.Name, UID: types.UID(rec.owner.UID),
			ResourceVersion: rec.obj.GetResourceVersion(),
		},
	}
}

// createEvent records an Event. Events are best effort: a failure is
// reported (State, log) and not retried.
func (c *clients) createEvent(ctx context.Context, ev *eventsv1.Event) error {
	_, err := c.kube.EventsV1().Events(ev.Namespace).Create(ctx, ev, metav1.CreateOptions{})
	return err
}

// eventRecorded takes the result of an Event's creation.
func (s *session) eventRecorded(r *result) {
	if r.err != nil {
		s.noteError("create event", r.class, r.err)
	}
}

// eventPrefix is the generateName of an Event about the owner called
// name: the name, cut so that the server's random suffix fits, and a dash
// (a generateName may end with one, not with a dot).
func eventPrefix(name string) string {
	const max = 57 // the server cuts a generateName to 58 before its 5-character suffix
	if len(name) > max {
		name = strings.TrimRight(name[:max], ".-")
	}
	return name + "-"
}
