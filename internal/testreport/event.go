package main

// event is one line of the stream: a test2json TestEvent (Package, Test)
// or, for build output since go1.24, a BuildEvent (ImportPath). Both arrive
// interleaved on the same stream and are told apart by Action.
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string // on a package's "fail": the build that broke it
	ImportPath  string // on "build-output" and "build-fail"
}

// The actions the report acts on; others ("pause", "cont", "bench") need
// nothing beyond their output.
const (
	actStart       = "start"
	actRun         = "run"
	actOutput      = "output"
	actPass        = "pass"
	actFail        = "fail"
	actSkip        = "skip"
	actBuildOutput = "build-output"
	actBuildFail   = "build-fail"
)
