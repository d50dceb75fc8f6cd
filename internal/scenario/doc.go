// Package scenario runs the scenario files the test kits ship: transcripts
// (see package transcript), one field incident or peer case a file, under
// <kit>/testdata/scenarios/*.txt. Run is the one runner every kit's
// scenario test calls; it replays each file as a subtest and, in rewrite
// mode, records the machine's actual effects and errors into the file.
//
// # Rewrite mode
//
// After a deliberate change of behaviour, regenerate a kit's scenarios with
// its -rewrite flag, or with MESHSTATE_REWRITE=1 for several kits at once:
//
//	go test ./ipam/ipamtest/ -run TestScenarios -rewrite
//	MESHSTATE_REWRITE=1 go test ./endpoint/endpointtest/ ./ipam/ipamtest/ ./cni/cnitest/ ./health/healthtest/ -run TestScenarios
//
// and review the result with git diff. The flag is defined by each kit's
// scenario test (never by library code), so pass -rewrite only to kit
// packages: go test rejects it for a package that does not define it.
// Rewrite mode writes nothing for a file whose replay breaks an invariant
// or is refused with an error no sentinel names. It keeps each event line
// as written; it only fills in what is under each "----".
//
// A new scenario is easiest written by pasting events (a property's
// counterexample prints as transcript lines) into a new file with a title
// and story, and running rewrite mode to record what the machine does.
//
// # Adopting the runner
//
// A kit needs a transcript.Kit for its machine, the files embedded for its
// public Scenarios, and a test that calls Run. The ipam kit
// (ipamtest/scenario.go) is the model; besides its kit function, which
// starts the machine and checks the kit's invariants after each step, it
// holds only:
//
//	//go:embed testdata/scenarios/*.txt
//	var scenarioFiles embed.FS
//
//	type Scenario struct{ transcript.File }
//	type Line = transcript.Line[ipam.Event, ipam.Effect]
//
//	func Scenarios() ([]Scenario, error) {
//		return transcript.LoadAs[Scenario](scenarioFiles, "testdata/scenarios", kit(nil))
//	}
//
//	func (s Scenario) Replay() ([]Line, *ipam.Machine, error) {
//		return transcript.ReplayKeeping(s.File, kit)
//	}
//
// and ipamtest/scenario_test.go, an internal test so that it reaches kit:
//
//	var rewrite = flag.Bool("rewrite", false, "record the actual effects into the scenario files")
//
//	func TestScenarios(t *testing.T) { scenario.Run(t, "testdata/scenarios", kit(nil), *rewrite) }
//
// The machine's events must have a trace JSON form (MarshalJSON writing a
// "type" member, UnmarshalEvent reading it) and its effects a String; its
// configuration must decode from JSON. Existing JSON scenarios convert
// with transcript.FormatJSON on each event and on the config, then a
// rewrite run to fill in the effects.
package scenario
