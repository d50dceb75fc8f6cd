package tagged

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type empty struct{}

type point struct {
	X int    `json:"x"`
	Y int    `json:"y,omitempty"`
	S string `json:"s,omitempty"`
}

type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("boom") }

func TestMarshal(t *testing.T) {
	tests := []struct {
		name    string
		tag     string
		v       any
		want    string
		wantErr string // substring of the error; "" means success
	}{
		{name: "object body", tag: "Point", v: point{X: 1, Y: 2}, want: `{"type":"Point","x":1,"y":2}`},
		{name: "object body, pointer", tag: "Point", v: &point{X: 3}, want: `{"type":"Point","x":3}`},
		{name: "nested string escapes kept", tag: "Point", v: point{S: "a\"b<c>"}, want: `{"type":"Point","x":0,"s":"a\"b\u003cc\u003e"}`},
		{name: "empty struct", tag: "Empty", v: empty{}, want: `{"type":"Empty"}`},
		{name: "empty map", tag: "M", v: map[string]int{}, want: `{"type":"M"}`},
		{name: "map body", tag: "M", v: map[string]int{"b": 2, "a": 1}, want: `{"type":"M","a":1,"b":2}`},
		{name: "tag with quote and backslash", tag: `we"ird\tag`, v: empty{}, want: `{"type":"we\"ird\\tag"}`},
		{name: "tag with HTML characters", tag: "<T&U>", v: empty{}, want: `{"type":"\u003cT\u0026U\u003e"}`},
		{name: "tag with control character", tag: "a\nb", v: empty{}, want: `{"type":"a\nb"}`},
		{name: "empty tag", tag: "", v: empty{}, want: `{"type":""}`},
		{name: "nil value", tag: "Nil", v: nil, wantErr: "does not encode as a JSON object"},
		{name: "nil map", tag: "Nil", v: map[string]int(nil), wantErr: "does not encode as a JSON object"},
		{name: "nil pointer", tag: "Nil", v: (*point)(nil), wantErr: "does not encode as a JSON object"},
		{name: "number", tag: "N", v: 42, wantErr: "does not encode as a JSON object"},
		{name: "string", tag: "S", v: "x", wantErr: "does not encode as a JSON object"},
		{name: "empty array", tag: "A", v: []int{}, wantErr: "does not encode as a JSON object"},
		{name: "array", tag: "A", v: []int{1}, wantErr: "does not encode as a JSON object"},
		{name: "body marshal error", tag: "F", v: failing{}, wantErr: "boom"},
		{name: "unsupported value", tag: "C", v: make(chan int), wantErr: "unsupported type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.tag, tt.v)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Marshal(%q, %#v) = %s, want error containing %q", tt.tag, tt.v, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Marshal(%q, %#v) error = %v, want it to contain %q", tt.tag, tt.v, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Marshal(%q, %#v) error: %v", tt.tag, tt.v, err)
			}
			if string(got) != tt.want {
				t.Fatalf("Marshal(%q, %#v) = %s, want %s", tt.tag, tt.v, got, tt.want)
			}
			if !json.Valid(got) {
				t.Fatalf("Marshal(%q, %#v) = %s is not valid JSON", tt.tag, tt.v, got)
			}
			// The tag must read back as the "type" member.
			var head struct {
				Type string `json:"type"`
			}
			if err := json.Unmarshal(got, &head); err != nil {
				t.Fatalf("unmarshal %s: %v", got, err)
			}
			if head.Type != tt.tag {
				t.Fatalf("type member of %s = %q, want %q", got, head.Type, tt.tag)
			}
		})
	}
}

// shape is a small sealed interface to dispatch on.
type shape interface{ area() int }

type square struct {
	Side int `json:"side"`
}

type rect struct {
	W int `json:"w"`
	H int `json:"h"`
}

func (s square) area() int { return s.Side * s.Side }
func (r rect) area() int   { return r.W * r.H }

var errRefused = errors.New("refused by decoder")

var shapes = Decoders[shape]{
	"square": As(func(s square) shape { return s }),
	"rect":   As(func(r rect) shape { return r }),
	"refuse": func([]byte) (shape, error) { return nil, errRefused },
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     shape
		wantIs   error  // sentinel the error must wrap
		wantErr  string // substring of the error
		wantJSON bool   // the error comes from encoding/json
	}{
		{name: "square", in: `{"type":"square","side":3}`, want: square{Side: 3}},
		{name: "rect", in: `{"type":"rect","w":2,"h":5}`, want: rect{W: 2, H: 5}},
		{name: "type not first", in: `{"w":2,"type":"rect","h":5}`, want: rect{W: 2, H: 5}},
		{name: "extra members ignored", in: `{"type":"square","side":1,"color":"red"}`, want: square{Side: 1}},
		{name: "whitespace", in: " \n{ \"type\" : \"square\" , \"side\" : 4 }\t", want: square{Side: 4}},
		{name: "only the tag", in: `{"type":"rect"}`, want: rect{}},
		{name: "escaped tag", in: `{"type":"sq\u0075are","side":2}`, want: square{Side: 2}},
		{name: "duplicate type, last wins", in: `{"type":"square","type":"rect","w":1,"h":1}`, want: rect{W: 1, H: 1}},
		{name: "decoder error passed through", in: `{"type":"refuse"}`, wantIs: errRefused},

		{name: "missing type", in: `{"side":3}`, wantIs: ErrUnknownType, wantErr: "missing"},
		{name: "empty object", in: `{}`, wantIs: ErrUnknownType, wantErr: "missing"},
		{name: "null type", in: `{"type":null,"side":3}`, wantIs: ErrUnknownType, wantErr: "missing"},
		{name: "null document", in: `null`, wantIs: ErrUnknownType, wantErr: "missing"},
		{name: "unknown type", in: `{"type":"circle","r":1}`, wantIs: ErrUnknownType, wantErr: `"circle"`},
		{name: "empty type", in: `{"type":""}`, wantIs: ErrUnknownType, wantErr: `""`},
		{name: "type is case-sensitive", in: `{"type":"Square","side":1}`, wantIs: ErrUnknownType, wantErr: `"Square"`},

		{name: "empty input", in: ``, wantJSON: true},
		{name: "truncated", in: `{"type":"square","side":`, wantJSON: true},
		{name: "trailing garbage", in: `{"type":"square"} x`, wantJSON: true},
		{name: "not an object", in: `[1,2]`, wantJSON: true},
		{name: "string document", in: `"square"`, wantJSON: true},
		{name: "type is a number", in: `{"type":1}`, wantJSON: true},
		{name: "body field of wrong type", in: `{"type":"square","side":"three"}`, wantJSON: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := shapes.Decode([]byte(tt.in))
			wantFail := tt.wantIs != nil || tt.wantErr != "" || tt.wantJSON
			if !wantFail {
				if err != nil {
					t.Fatalf("Decode(%s) error: %v", tt.in, err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Fatalf("Decode(%s) mismatch (-want +got):\n%s", tt.in, diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("Decode(%s) = %#v, want an error", tt.in, got)
			}
			if got != nil {
				t.Errorf("Decode(%s) returned %#v beside error %v, want the zero value", tt.in, got, err)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Decode(%s) error %v does not wrap %v", tt.in, err, tt.wantIs)
			}
			if tt.wantIs != ErrUnknownType && errors.Is(err, ErrUnknownType) {
				t.Errorf("Decode(%s) error %v wraps ErrUnknownType, want another error", tt.in, err)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Decode(%s) error %q does not contain %q", tt.in, err, tt.wantErr)
			}
			if tt.wantJSON {
				var syn *json.SyntaxError
				var typ *json.UnmarshalTypeError
				if !errors.As(err, &syn) && !errors.As(err, &typ) {
					t.Errorf("Decode(%s) error %v (%T) is not a JSON syntax or type error", tt.in, err, err)
				}
			}
		})
	}
}

func TestDecodeNilDecoders(t *testing.T) {
	var d Decoders[shape]
	_, err := d.Decode([]byte(`{"type":"square"}`))
	if !errors.Is(err, ErrUnknownType) {
		t.Fatalf("nil Decoders: error %v, want ErrUnknownType", err)
	}
}

func TestMarshalDecodeRoundTrip(t *testing.T) {
	for _, s := range []shape{square{Side: 7}, rect{W: 3, H: 4}, rect{}} {
		tag := strings.ToLower(fmt.Sprintf("%T", s)[len("tagged."):])
		data, err := Marshal(tag, s)
		if err != nil {
			t.Fatalf("Marshal(%#v): %v", s, err)
		}
		got, err := shapes.Decode(data)
		if err != nil {
			t.Fatalf("Decode(%s): %v", data, err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("round trip of %s (-want +got):\n%s", data, diff)
		}
	}
}
