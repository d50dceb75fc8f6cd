package mcs_test

import (
	"testing"

	"github.com/meshstate/meshstate/discovery/mcs/mcstest"
)

func TestExportScenarios(t *testing.T) {
	scenarios, err := mcstest.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	if len(scenarios) == 0 {
		t.Fatal("no export scenarios shipped")
	}
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			lines, _, err := s.Replay()
			if err != nil {
				for _, l := range lines {
					t.Logf("%s -> %v err=%v %s", l.Step.Event, l.Effects, l.Err, l.Problem)
				}
				t.Fatal(err)
			}
		})
	}
}
