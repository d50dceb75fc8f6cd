package discoverytest

import (
	"embed"

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/internal/scenario"
)

//go:embed testdata/scenarios/vip/*.json
var vipScenarioFiles embed.FS

// VIPScenario is a recorded event sequence for the VIP machine with the
// effects each event must cause. Its Config is a discovery.VIPConfig in
// JSON.
type VIPScenario struct{ scenario.File }

var vipSentinels = map[string]error{
	"ErrInvalidService":  discovery.ErrInvalidService,
	"ErrInvalidSlice":    discovery.ErrInvalidSlice,
	"ErrUnknownService":  discovery.ErrUnknownService,
	"ErrUnknownSlice":    discovery.ErrUnknownSlice,
	"ErrVIPUIDMismatch":  discovery.ErrVIPUIDMismatch,
	"ErrInvalidVIPEvent": discovery.ErrInvalidVIPEvent,
}

// VIPScenarios returns the VIP scenarios shipped with the kit, by file name.
func VIPScenarios() ([]VIPScenario, error) {
	files, err := scenario.Load(vipScenarioFiles, "testdata/scenarios/vip", discovery.UnmarshalVIPEvent)
	if err != nil {
		return nil, err
	}
	out := make([]VIPScenario, len(files))
	for i, f := range files {
		out[i] = VIPScenario{f}
	}
	return out, nil
}

// VIPLine is one replayed step.
type VIPLine = scenario.Line[discovery.VIPEvent, discovery.VIPEffect]

// Replay runs the scenario through a fresh machine, checking each step's
// expectations and, with a VIPChecker, the invariants; it returns the
// transcript and the machine. The error is non-nil if any step has a
// Problem.
func (s VIPScenario) Replay() ([]VIPLine, *discovery.VIPMachine, error) {
	var cfg discovery.VIPConfig
	if err := s.DecodeConfig(&cfg); err != nil {
		return nil, nil, err
	}
	m, err := discovery.NewVIPMachine(cfg)
	if err != nil {
		return nil, nil, err
	}
	lines, err := scenario.Replay(s.File, discovery.UnmarshalVIPEvent, m.Step, NewVIPChecker(cfg).Observe, vipSentinels)
	return lines, m, err
}
