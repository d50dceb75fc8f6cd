package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A node is a JSON value that keeps the order of an object's members, so
// that a line lists an event's fields in the order its JSON form gives them.
type node struct {
	kind  byte // 'o' object, 'a' array, 's' scalar
	keys  []string
	vals  []*node // members of an object, elements of an array
	value string  // a scalar as JSON text: "x", 1, true, null
}

func (n *node) member(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// decodeJSON reads one JSON value into a node.
func decodeJSON(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("transcript: trailing data after the JSON value")
	}
	return n, nil
}

func decodeValue(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			n := &node{kind: 'o'}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
				n.vals = append(n.vals, v)
			}
			_, err := dec.Token()
			return n, err
		}
		n := &node{kind: 'a'}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		_, err := dec.Token()
		return n, err
	case string:
		b, err := json.Marshal(tok)
		return &node{kind: 's', value: string(b)}, err
	case json.Number:
		return &node{kind: 's', value: tok.String()}, nil
	case bool:
		return &node{kind: 's', value: strconv.FormatBool(tok)}, nil
	default: // nil
		return &node{kind: 's', value: "null"}, nil
	}
}

// encodeJSON writes the node as compact JSON.
func (n *node) encodeJSON(b *bytes.Buffer) {
	switch n.kind {
	case 'o':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			n.vals[i].encodeJSON(b)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			v.encodeJSON(b)
		}
		b.WriteByte(']')
	default:
		b.WriteString(n.value)
	}
}

// zero reports whether the node holds nothing a decoder would keep: "", 0,
// false, null, or a container of such.
func (n *node) zero() bool {
	switch n.kind {
	case 's':
		switch n.value {
		case `""`, "false", "null":
			return true
		}
		f, err := strconv.ParseFloat(n.value, 64)
		return err == nil && f == 0
	default:
		for _, v := range n.vals {
			if !v.zero() {
				return false
			}
		}
		return true
	}
}

// A field is one key=value of a line, both as written.
type field struct{ key, value string }

// flatten lists the fields of an object: nested members as dotted keys,
// lists of scalars as [a,b], other lists by index (key.0.x).
func flatten(prefix string, n *node, out []field) []field {
	switch n.kind {
	case 'o':
		if len(n.keys) == 0 && prefix != "" {
			return append(out, field{prefix, "{}"})
		}
		for i, k := range n.keys {
			out = flatten(join(prefix, quoteKey(k)), n.vals[i], out)
		}
		return out
	case 'a':
		scalars := true
		for _, v := range n.vals {
			scalars = scalars && v.kind == 's'
		}
		if scalars {
			items := make([]string, len(n.vals))
			for i, v := range n.vals {
				items[i] = scalarText(v.value)
			}
			return append(out, field{prefix, "[" + strings.Join(items, ",") + "]"})
		}
		for i, v := range n.vals {
			out = flatten(join(prefix, strconv.Itoa(i)), v, out)
		}
		return out
	default:
		return append(out, field{prefix, scalarText(n.value)})
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

var (
	numberRE  = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	bareRE    = regexp.MustCompile(`^[A-Za-z0-9_./:+@%-]+$`)
	bareKeyRE = regexp.MustCompile(`^[A-Za-z0-9_/:+@%-]+$`)
	digitsRE  = regexp.MustCompile(`^[0-9]+$`)
)

// literal reports whether s, written bare, would read as a JSON number,
// boolean or null rather than a string.
func literal(s string) bool {
	return s == "true" || s == "false" || s == "null" || numberRE.MatchString(s)
}

// scalarText is a JSON scalar as a line writes it: numbers, booleans and
// null bare; strings bare when that is unambiguous, else Go-quoted.
func scalarText(value string) string {
	if value == "" || value[0] != '"' {
		return value
	}
	var s string
	if err := json.Unmarshal([]byte(value), &s); err != nil {
		return value
	}
	if bareRE.MatchString(s) && !literal(s) {
		return s
	}
	return strconv.Quote(s)
}

// quoteKey is an object key as a line writes it: bare, or Go-quoted if it
// holds a dot or other punctuation or is all digits (which reads as an index).
func quoteKey(k string) string {
	if bareKeyRE.MatchString(k) && !digitsRE.MatchString(k) {
		return k
	}
	return strconv.Quote(k)
}

// tokens splits a line into its words: the event type and each key=value,
// as written. Quoted strings may hold spaces.
func tokens(line string) ([]string, error) {
	var out []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return out, nil
		}
		start := i
		depth := 0
		for i < len(line) && (depth > 0 || (line[i] != ' ' && line[i] != '\t')) {
			switch line[i] {
			case '"':
				end, err := quoteEnd(line, i)
				if err != nil {
					return nil, err
				}
				i = end
				continue
			case '[':
				depth++
			case ']':
				depth--
			}
			i++
		}
		if depth > 0 {
			return nil, fmt.Errorf("unclosed [ in %q", line[start:])
		}
		out = append(out, line[start:i])
	}
}

// quoteEnd returns the index just past the Go-quoted string starting at i.
func quoteEnd(s string, i int) (int, error) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated quoted string %s", s[i:])
}

// readValue reads a value as a line writes it into a node.
func readValue(s string) (*node, error) {
	switch {
	case s == "{}":
		return &node{kind: 'o'}, nil
	case strings.HasPrefix(s, "["):
		if !strings.HasSuffix(s, "]") {
			return nil, fmt.Errorf("list %s does not end with ]", s)
		}
		n := &node{kind: 'a'}
		body := s[1 : len(s)-1]
		if body == "" {
			return n, nil
		}
		for i := 0; ; {
			j := i
			if j < len(body) && body[j] == '"' {
				end, err := quoteEnd(body, j)
				if err != nil {
					return nil, err
				}
				j = end
			} else {
				for j < len(body) && body[j] != ',' {
					j++
				}
			}
			v, err := readScalar(body[i:j])
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
			if j == len(body) {
				return n, nil
			}
			if body[j] != ',' {
				return nil, fmt.Errorf("list %s: want a comma after %s", s, body[i:j])
			}
			i = j + 1
		}
	default:
		return readScalar(s)
	}
}

func readScalar(s string) (*node, error) {
	switch {
	case strings.HasPrefix(s, `"`):
		u, err := strconv.Unquote(s)
		if err != nil || !utf8.ValidString(u) {
			return nil, fmt.Errorf("bad quoted string %s", s)
		}
		b, _ := json.Marshal(u)
		return &node{kind: 's', value: string(b)}, nil
	case literal(s):
		return &node{kind: 's', value: s}, nil
	case s == "" || !bareRE.MatchString(s):
		return nil, fmt.Errorf("value %q must be quoted", s)
	default:
		b, _ := json.Marshal(s)
		return &node{kind: 's', value: string(b)}, nil
	}
}

// splitKey splits a dotted key into its segments, unquoting quoted ones; an
// unquoted all-digit segment is a list index, reported as index >= 0.
func splitKey(key string) (segs []string, index []int, err error) {
	for i := 0; ; {
		var seg string
		idx := -1
		j := i
		if j < len(key) && key[j] == '"' {
			end, err := quoteEnd(key, j)
			if err != nil {
				return nil, nil, err
			}
			seg, err = strconv.Unquote(key[j:end])
			if err != nil || !utf8.ValidString(seg) {
				return nil, nil, fmt.Errorf("bad quoted key %s", key[j:end])
			}
			j = end
		} else {
			for j < len(key) && key[j] != '.' {
				j++
			}
			seg = key[i:j]
			if !bareKeyRE.MatchString(seg) {
				return nil, nil, fmt.Errorf("bad key %q", key)
			}
			if digitsRE.MatchString(seg) {
				idx, _ = strconv.Atoi(seg)
			}
		}
		segs, index = append(segs, seg), append(index, idx)
		if j == len(key) {
			return segs, index, nil
		}
		if key[j] != '.' {
			return nil, nil, fmt.Errorf("bad key %q", key)
		}
		i = j + 1
	}
}

// set stores v at the dotted key under root, creating objects and lists
// on the way.
func set(root *node, key string, v *node) error {
	segs, index, err := splitKey(key)
	if err != nil {
		return err
	}
	n := root
	for i, seg := range segs {
		last := i == len(segs)-1
		var child *node
		var put func(*node)
		if index[i] >= 0 {
			if n.kind != 'a' {
				return fmt.Errorf("key %s: %s is not a list", key, strings.Join(segs[:i], "."))
			}
			switch {
			case index[i] < len(n.vals):
				child = n.vals[index[i]]
			case index[i] == len(n.vals):
				parent := n
				put = func(c *node) { parent.vals = append(parent.vals, c) }
			default:
				return fmt.Errorf("key %s: index %d skips %d", key, index[i], len(n.vals))
			}
		} else {
			if n.kind != 'o' {
				return fmt.Errorf("key %s: %s is not an object", key, strings.Join(segs[:i], "."))
			}
			child = n.member(seg)
			if child == nil {
				parent := n
				put = func(c *node) { parent.keys = append(parent.keys, seg); parent.vals = append(parent.vals, c) }
			}
		}
		if last {
			if child != nil {
				return fmt.Errorf("key %s given twice", key)
			}
			put(v)
			return nil
		}
		if child == nil {
			child = &node{kind: 'o'}
			if index[i+1] >= 0 {
				child.kind = 'a'
			}
			put(child)
		} else if child.kind == 's' {
			return fmt.Errorf("key %s: %s is a value, not an object or list", key, strings.Join(segs[:i+1], "."))
		}
		n = child
	}
	return nil
}

// FormatJSON writes the JSON object data as a line: the "type" member, if
// there is one, as the first word, then every other field as key=value in
// the order the JSON gives them. An object that is the only other member
// is named once, as a scope word ending in a colon, and its fields follow
// (Upsert endpoint: name=east-gw-2 clusterID=east); a scope word applies
// to the keys after it. Nested keys are dotted (owner.name=web),
// lists of scalars are bracketed and comma-joined (subnets=[10.2.0.0/16]),
// other lists are indexed (conditions.0.type=Ready), and a string is
// quoted, Go style, when it is empty, holds a space or punctuation, or
// would read as a number or boolean (uid="1").
func FormatJSON(data []byte) (string, error) {
	n, err := decodeJSON(data)
	if err != nil {
		return "", err
	}
	if n.kind != 'o' {
		return "", errors.New("transcript: not a JSON object")
	}
	return strings.Join(lineWords(n), " "), nil
}

// lineWords is the words of the line for the object n.
func lineWords(n *node) []string {
	var words []string
	rest := &node{kind: 'o'}
	for i, k := range n.keys {
		if k == "type" && n.vals[i].kind == 's' && len(words) == 0 {
			if t := scalarText(n.vals[i].value); bareKeyRE.MatchString(t) && t[0] >= 'A' && t[0] <= 'Z' && !strings.HasSuffix(t, ":") {
				words = append(words, t)
				continue
			}
		}
		rest.keys, rest.vals = append(rest.keys, k), append(rest.vals, n.vals[i])
	}
	if len(rest.keys) == 1 && rest.vals[0].kind == 'o' && len(rest.vals[0].keys) > 0 {
		// The event is one object (Upsert's endpoint): name it once.
		words = append(words, quoteKey(rest.keys[0])+":")
		rest = rest.vals[0]
	}
	for _, f := range flatten("", rest, nil) {
		words = append(words, f.key+"="+f.value)
	}
	return words
}

// Format writes v's JSON form (its MarshalJSON, for an event the trace
// form) as a line; see FormatJSON.
func Format(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return FormatJSON(data)
}

// ParseJSON reads a line back into the JSON object FormatJSON wrote it
// from: a first word without "=" is the "type" member. Member order
// follows the line.
func ParseJSON(line string) ([]byte, error) {
	n, err := parseNode(line)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	n.encodeJSON(&b)
	return b.Bytes(), nil
}

func parseNode(line string) (*node, error) {
	words, err := tokens(line)
	if err != nil {
		return nil, err
	}
	root := &node{kind: 'o'}
	scope := ""
	for i, w := range words {
		eq := keyEnd(w)
		if eq < 0 && strings.HasSuffix(w, ":") {
			scope = strings.TrimSuffix(w, ":")
			if _, _, err := splitKey(scope); err != nil {
				return nil, fmt.Errorf("%q: %w", w, err)
			}
			continue
		}
		if eq < 0 {
			if i > 0 {
				return nil, fmt.Errorf("%q: want key=value", w)
			}
			if !bareKeyRE.MatchString(w) || w[0] < 'A' || w[0] > 'Z' || strings.HasSuffix(w, ":") {
				return nil, fmt.Errorf("%q is not an event type (a Go type name, capitalized) nor key=value", w)
			}
			b, _ := json.Marshal(w)
			root.keys, root.vals = append(root.keys, "type"), append(root.vals, &node{kind: 's', value: string(b)})
			continue
		}
		v, err := readValue(w[eq+1:])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w[:eq], err)
		}
		if err := set(root, join(scope, w[:eq]), v); err != nil {
			return nil, err
		}
	}
	return root, nil
}

// keyEnd returns the index of the = ending the key of w, or -1.
func keyEnd(w string) int {
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '"':
			end, err := quoteEnd(w, i)
			if err != nil {
				return -1
			}
			i = end - 1
		case '=':
			return i
		}
	}
	return -1
}

// Parse reads a line into a value with decode (a machine's UnmarshalEvent,
// which reads the trace JSON form). Go's JSON decoder ignores unknown
// members and matches names regardless of case, so Parse also checks that
// every key the line sets to something other than a zero value is a key of
// the decoded value's own JSON form: a misspelt field is an error, not a
// silently empty one.
func Parse[E any](line string, decode func([]byte) (E, error)) (E, error) {
	var zero E
	in, err := parseNode(line)
	if err != nil {
		return zero, err
	}
	var b bytes.Buffer
	in.encodeJSON(&b)
	v, err := decode(b.Bytes())
	if err != nil {
		return zero, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return zero, err
	}
	out, err := decodeJSON(data)
	if err != nil {
		return zero, err
	}
	if unknown := unknownKeys("", in, out, nil); len(unknown) > 0 {
		return zero, fmt.Errorf("unknown key %s (the event's keys: %s)", strings.Join(unknown, ", "), keyList(out))
	}
	return v, nil
}

// unknownKeys lists the keys of in, set to a non-zero value, that out
// does not have.
func unknownKeys(prefix string, in, out *node, acc []string) []string {
	switch in.kind {
	case 'o':
		for i, k := range in.keys {
			v := in.vals[i]
			var o *node
			if out != nil && out.kind == 'o' {
				o = out.member(k)
			}
			key := join(prefix, quoteKey(k))
			if prefix == "" && k == "type" {
				continue // the event's type: its decoder said what it made of it
			}
			if o == nil {
				if !v.zero() {
					acc = append(acc, key)
				}
				continue
			}
			acc = unknownKeys(key, v, o, acc)
		}
	case 'a':
		for i, v := range in.vals {
			if out != nil && out.kind == 'a' && i < len(out.vals) {
				acc = unknownKeys(join(prefix, strconv.Itoa(i)), v, out.vals[i], acc)
			}
		}
	}
	return acc
}

// keyList names the top-level keys of n.
func keyList(n *node) string {
	var keys []string
	for _, k := range n.keys {
		if k != "type" {
			keys = append(keys, quoteKey(k))
		}
	}
	return strings.Join(keys, " ")
}

// GoString is Format for a GoString method, which cannot fail: when v has
// no line, it says so in the string, with v's type and the error.
func GoString(v any) string {
	s, err := Format(v)
	if err != nil {
		return fmt.Sprintf("%T (no transcript line: %v)", v, err)
	}
	return s
}
