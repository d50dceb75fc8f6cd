package mcs_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meshstate/meshstate/discovery/mcs"
	"github.com/meshstate/meshstate/lookup"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func mustStep[E, F any](t *testing.T, step func(E) ([]F, error), ev E) []F {
	t.Helper()
	out, err := step(ev)
	if err != nil {
		t.Fatalf("%T%+v: %v", ev, ev, err)
	}
	return out
}

func TestExportUnknownWriteNotCancelledByStaleCopy(t *testing.T) {
	m, err := mcs.New(mcs.Config{ClusterID: "west"})
	if err != nil {
		t.Fatal(err)
	}
	port := func(p int32) []mcs.ExportPort { return []mcs.ExportPort{{Protocol: "TCP", Port: p}} }
	export := func(p int32) mcs.Event {
		return mcs.ExportObserved{Namespace: "default", Name: "web", CreatedAt: epoch,
			Service: mcs.ExportService{Type: mcs.ExportServiceClusterIP, Ports: port(p)}, At: epoch}
	}
	imp80 := mcs.Import{Namespace: "default", Name: "web", Owner: "west", Type: mcs.ImportClusterSetIP,
		Ports: port(80), ExportCreatedAt: epoch}
	for _, ev := range []mcs.Event{export(80), mcs.ImportObserved{Import: imp80},
		mcs.ExportsSynced{}, mcs.ImportsSynced{}} {
		mustStep(t, m.Step, ev)
	}
	got := mustStep(t, m.Step, export(8080))
	if n := len(got); n == 0 || got[n-1].Kind != mcs.ImportUpsert || got[n-1].Import.Ports[0].Port != 8080 {
		t.Fatalf("port change: %v", got)
	}
	got = mustStep(t, m.Step, mcs.Event(mcs.Applied{Namespace: "default", Name: "web",
		Effect: mcs.ImportUpsert, Outcome: lookup.OutcomeUnknown}))
	if len(got) != 1 || got[0].Kind != mcs.RetryAfter || got[0].Retry != mcs.RetryImport {
		t.Fatalf("unknown outcome: %v", got)
	}
	for _, e := range mustStep(t, m.Step, export(80)) {
		if e.Kind != mcs.ExportSetCondition {
			t.Fatalf("back to port 80, which the observed copy shows: %v (the retry stands)", e)
		}
	}
	got = mustStep(t, m.Step, mcs.Event(mcs.RetryDue{Kind: mcs.RetryImport, Namespace: "default", Name: "web"}))
	if len(got) != 1 || got[0].Kind != mcs.ImportUpsert || !got[0].Import.Equal(imp80) {
		t.Fatalf("due retry: %v, want port 80 written again", got)
	}
	// A Failed write, by contrast, did not land: once the observed copy
	// shows what is wanted, its retry writes nothing.
	mustStep(t, m.Step, mcs.Event(mcs.Applied{Namespace: "default", Name: "web",
		Effect: mcs.ImportUpsert, Outcome: lookup.OutcomeDone}))
	mustStep(t, m.Step, export(8080))
	mustStep(t, m.Step, mcs.Event(mcs.Applied{Namespace: "default", Name: "web",
		Effect: mcs.ImportUpsert, Outcome: lookup.OutcomeFailed, Class: lookup.Transient}))
	mustStep(t, m.Step, export(80))
	if got := mustStep(t, m.Step, mcs.Event(mcs.RetryDue{Kind: mcs.RetryImport, Namespace: "default", Name: "web"})); len(got) != 0 {
		t.Fatalf("retry of a failed write, the observed copy as wanted: %v", got)
	}
}

// Malformed outcomes and retries are rejected with the machine's typed
// errors and change nothing.
func TestOutcomeRejections(t *testing.T) {
	m, err := mcs.New(mcs.Config{ClusterID: "west"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []mcs.Event{
		mcs.Applied{Namespace: "default", Name: "web", Effect: mcs.RetryAfter, Outcome: lookup.OutcomeDone},
		mcs.Applied{Namespace: "Default", Name: "web", Effect: mcs.ImportUpsert, Outcome: lookup.OutcomeDone},
		mcs.Applied{Namespace: "default", Name: "web", Effect: mcs.ImportDelete, Outcome: lookup.OutcomeFailed},
		mcs.RetryDue{Kind: mcs.RetryKind(9), Namespace: "default", Name: "web"},
		mcs.RetryDue{Kind: mcs.RetryImport, Namespace: "default"},
	} {
		got, err := m.Step(ev)
		var rej *mcs.RejectedError
		if !errors.Is(err, mcs.ErrInvalidEvent) || !errors.As(err, &rej) || len(got) != 0 {
			t.Errorf("%T%+v: %v, %v; want an *RejectedError wrapping ErrInvalidEvent", ev, ev, got, err)
		}
	}
}

// The outcome events and effects encode with a type tag and decode back.
func TestOutcomeJSON(t *testing.T) {
	for _, ev := range []mcs.Event{
		mcs.Applied{Namespace: "default", Name: "web", Effect: mcs.ExportSetCondition, Outcome: lookup.OutcomeConflict, At: epoch},
		mcs.RetryDue{Kind: mcs.RetryConditions, Namespace: "default", Name: "web", At: epoch},
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := mcs.UnmarshalEvent(b)
		if err != nil || !cmp.Equal(ev, back) {
			t.Errorf("%s decodes to %+v, %v", b, back, err)
		}
	}
	b, err := json.Marshal(mcs.Effect{Kind: mcs.RetryAfter, Retry: mcs.RetryImport, Namespace: "a", Name: "b", Delay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `{"type":"RetryAfter"`) || !strings.Contains(string(b), `"retry":`) {
		t.Errorf("the effect encodes as %s", b)
	}
}
