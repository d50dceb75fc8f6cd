package endpointtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/meshstate/meshstate/endpoint"
)

// WriteTrace writes events as JSON lines, the format an adapter records in
// the field and ReadTrace replays.
func WriteTrace(w io.Writer, events []endpoint.Event) error {
	enc := json.NewEncoder(w)
	for i, ev := range events {
		if err := enc.Encode(ev); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
	}
	return nil
}

// ReadTrace reads the JSON lines WriteTrace writes; blank lines are skipped.
func ReadTrace(r io.Reader) ([]endpoint.Event, error) {
	var out []endpoint.Event
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		ev, err := endpoint.UnmarshalEvent(sc.Bytes())
		if err != nil {
			return out, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, ev)
	}
	return out, sc.Err()
}
