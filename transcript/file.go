package transcript

import (
	"fmt"
	"strings"
)

// Separator divides an event from the effects it must cause.
const Separator = "----"

// Restart is the step that replaces the machine with a fresh one built
// from the same configuration, as a controller restart does; the events
// after it go to the new machine.
const Restart = "restart"

// RejectPrefix starts the expectation line naming the sentinel error an
// event must be refused with: "error: ErrInvalidEndpoint".
const RejectPrefix = "error: "

// File is one transcript: a field incident or a peer case, replayable
// against a machine.
type File struct {
	// Name is the file's name, as given to ParseFile; errors cite it as
	// name:line.
	Name string
	// Title says in one line what the transcript shows.
	Title string
	// Incident names the field incident the transcript replays, if any.
	Incident string
	// Story tells what happened in the field and what must happen instead.
	Story string
	// Config is the machine's configuration as a line of key=value
	// fields (its JSON form, flattened like an event); empty for the
	// default configuration.
	Config string
	// Steps are the events, in order.
	Steps []Step
}

// Step is one event and what it must cause.
type Step struct {
	// Line is the line of the file the event starts on; 0 for a step not
	// read from a file.
	Line int
	// Note is the comment above the event, without its "# ".
	Note string
	// Event is the event's line (see Format), or Restart.
	Event string
	// Expect lists the effects the event must cause, each in its String
	// form, in order.
	Expect []string
	// Reject, if set, names the sentinel error the event must be refused
	// with.
	Reject string
}

// where is the step's place in the file, for errors: "name:line" or
// "name: step i".
func (f File) where(i int) string {
	if l := f.Steps[i].Line; l > 0 {
		return fmt.Sprintf("%s:%d", f.Name, l)
	}
	return fmt.Sprintf("%s: step %d", f.Name, i)
}

var headerKeys = []string{"title", "incident", "story", "config"}

// headerLine splits a header line "key: value", reporting false for a line
// that is not one.
func headerLine(line string) (key, value string, ok bool) {
	for _, k := range headerKeys {
		if rest, found := strings.CutPrefix(line, k+":"); found {
			return k, strings.TrimSpace(rest), true
		}
	}
	return "", "", false
}

// ParseFile reads a transcript. It checks the syntax of every line, not
// that the events decode: that is the kit's to say (see Replay). Errors
// cite name:line.
func ParseFile(name string, data []byte) (File, error) {
	f := File{Name: name}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	fail := func(i int, format string, args ...any) (File, error) {
		return File{}, fmt.Errorf("%s:%d: %s", name, i+1, fmt.Sprintf(format, args...))
	}
	i := 0
	// Header: key: value lines, a value continued on indented lines, up
	// to the first blank line.
	var last *string
	configLine := 0
	for ; i < len(lines) && lines[i] != ""; i++ {
		line := lines[i]
		if line[0] == ' ' || line[0] == '\t' {
			if last == nil {
				return fail(i, "indented line outside the header")
			}
			*last += " " + strings.TrimSpace(line)
			continue
		}
		key, value, ok := headerLine(line)
		if !ok {
			if i == 0 {
				break // no header
			}
			return fail(i, "want a header line (%s: ...) or a blank line before the first event, got %q", strings.Join(headerKeys, ":, "), line)
		}
		last = map[string]*string{"title": &f.Title, "incident": &f.Incident, "story": &f.Story, "config": &f.Config}[key]
		if *last != "" {
			return fail(i, "%s given twice", key)
		}
		*last = value
		if key == "config" {
			configLine = i
		}
	}
	if f.Config != "" {
		if _, err := parseNode(f.Config); err != nil {
			return fail(configLine, "config: %v", err)
		}
		if w := strings.Fields(f.Config)[0]; keyEnd(w) < 0 {
			return fail(configLine, "config: %q: want key=value", w)
		}
	}
	for i < len(lines) {
		if lines[i] == "" {
			i++
			continue
		}
		var st Step
		var note []string
		for ; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
			note = append(note, strings.TrimPrefix(strings.TrimPrefix(lines[i], "#"), " "))
		}
		st.Note = strings.Join(note, "\n")
		if i == len(lines) || lines[i] == "" {
			if i == len(lines) {
				break // a closing comment
			}
			return fail(i, "a comment must be followed by its event")
		}
		if lines[i] == Separator {
			return fail(i, "%s without an event above it", Separator)
		}
		st.Line = i + 1
		ev := lines[i]
		for strings.HasSuffix(ev, `\`) {
			i++
			if i == len(lines) || lines[i] == "" {
				return fail(i-1, `the line ends with \ but no line continues it`)
			}
			ev = strings.TrimSuffix(ev, `\`) + " " + strings.TrimSpace(lines[i])
		}
		st.Event = strings.Join(strings.Fields(ev), " ")
		if ev, err := tokens(ev); err == nil {
			st.Event = strings.Join(ev, " ")
		}
		if st.Event != Restart {
			n, err := parseNode(st.Event)
			if err != nil {
				if len(f.Steps) > 0 && len(note) == 0 && lines[st.Line-2] != "" {
					return fail(st.Line-1, "%v (if this is an effect of the event above, put %s between them)", err, Separator)
				}
				return fail(st.Line-1, "%v", err)
			}
			if len(n.keys) == 0 || n.keys[0] != "type" {
				return fail(st.Line-1, "an event line starts with the event's type, got %q", strings.Fields(st.Event)[0])
			}
		}
		i++
		if i < len(lines) && lines[i] == Separator {
			for i++; i < len(lines) && lines[i] != ""; i++ {
				if r, ok := strings.CutPrefix(lines[i], RejectPrefix); ok {
					if st.Reject != "" {
						return fail(i, "a second error line")
					}
					st.Reject = strings.TrimSpace(r)
					continue
				}
				st.Expect = append(st.Expect, lines[i])
			}
		}
		// Without a separator, the next line, if any, is the next step.
		f.Steps = append(f.Steps, st)
	}
	return f, nil
}

const (
	textWidth  = 80  // header prose wraps here
	eventWidth = 100 // event lines wrap here, with \ at the end
)

// Format writes the transcript in the form ParseFile reads: the header,
// a blank line, then each step as its note, its event (wrapped with \
// when long), the separator and its expectations, steps apart by blank
// lines.
func (f File) Format() []byte {
	var b strings.Builder
	header := false
	for _, h := range []struct{ key, value string }{
		{"title", f.Title}, {"incident", f.Incident}, {"story", f.Story},
	} {
		if h.value != "" {
			b.WriteString(wrap(h.key+": ", strings.Fields(h.value), "  ", textWidth, ""))
			header = true
		}
	}
	if f.Config != "" {
		words, err := tokens(f.Config)
		if err != nil {
			words = strings.Fields(f.Config)
		}
		b.WriteString(wrap("config: ", words, "  ", eventWidth, ""))
		header = true
	}
	for i, st := range f.Steps {
		if header || i > 0 {
			b.WriteByte('\n')
		}
		if st.Note != "" {
			for _, l := range strings.Split(st.Note, "\n") {
				b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
			}
		}
		b.WriteString(EventLines(st.Event))
		if st.Event == Restart && len(st.Expect) == 0 && st.Reject == "" {
			continue
		}
		b.WriteString(Separator + "\n")
		for _, e := range st.Expect {
			b.WriteString(e + "\n")
		}
		if st.Reject != "" {
			b.WriteString(RejectPrefix + st.Reject + "\n")
		}
	}
	return []byte(b.String())
}

// EventLines is an event's line as a file writes it: wrapped at 100
// characters between fields, each continued line ending in " \" and the
// next indented by four spaces, with a final newline.
func EventLines(event string) string {
	words, err := tokens(event)
	if err != nil || len(words) == 0 {
		return event + "\n"
	}
	return wrap(words[0]+" ", words[1:], "    ", eventWidth, " \\")
}

// wrap writes first and then the words, apart by spaces, breaking lines
// before width; a continued line ends with cont and the next starts with
// indent.
func wrap(first string, words []string, indent string, width int, cont string) string {
	var b strings.Builder
	line := first
	fresh := true
	for _, w := range words {
		if !fresh && len(line)+1+len(w)+len(cont) > width {
			b.WriteString(line + cont + "\n")
			line, fresh = indent+w, false
			continue
		}
		if fresh {
			line += w
		} else {
			line += " " + w
		}
		fresh = false
	}
	b.WriteString(strings.TrimRight(line, " ") + "\n")
	return b.String()
}
