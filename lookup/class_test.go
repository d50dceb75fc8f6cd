package lookup_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/meshstate/meshstate/lookup"
)

var allClasses = []lookup.Class{lookup.Found, lookup.NotFound, lookup.Conflict, lookup.Transient, lookup.Permanent}

func TestClassText(t *testing.T) {
	for _, c := range allClasses {
		if !c.Valid() {
			t.Errorf("%v.Valid() = false", c)
		}
		text, err := c.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText: %v", c, err)
		}
		if string(text) != c.String() {
			t.Errorf("%v.MarshalText = %q, want its String", c, text)
		}
		var got lookup.Class
		if err := got.UnmarshalText(text); err != nil || got != c {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, got, err, c)
		}
	}
	for _, c := range []lookup.Class{0, lookup.Permanent + 1, 255} {
		if c.Valid() || c.Known() {
			t.Errorf("Class(%d): Valid or Known", uint8(c))
		}
		if _, err := c.MarshalText(); !errors.Is(err, lookup.ErrInvalidClass) {
			t.Errorf("Class(%d).MarshalText error = %v, want ErrInvalidClass", uint8(c), err)
		}
	}
	if got := lookup.Class(0).String(); got != "Class(0)" {
		t.Errorf("Class(0).String() = %q", got)
	}
	for _, text := range []string{"", "notfound", "Unknown", "Found "} {
		c := lookup.Transient
		if err := c.UnmarshalText([]byte(text)); !errors.Is(err, lookup.ErrInvalidClass) || c != lookup.Transient {
			t.Errorf("UnmarshalText(%q) = %v leaving %v; want ErrInvalidClass, unchanged", text, err, c)
		}
	}
}

func TestClassJSON(t *testing.T) {
	in := struct{ C lookup.Class }{lookup.NotFound}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"C":"NotFound"}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var out struct{ C lookup.Class }
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("json.Unmarshal = %+v, %v", out, err)
	}
	if _, err := json.Marshal(struct{ C lookup.Class }{}); !errors.Is(err, lookup.ErrInvalidClass) {
		t.Errorf("marshalling the zero Class: %v, want ErrInvalidClass", err)
	}
}

func TestKnown(t *testing.T) {
	want := map[lookup.Class]bool{lookup.Found: true, lookup.NotFound: true}
	for _, c := range allClasses {
		if c.Known() != want[c] {
			t.Errorf("%v.Known() = %v", c, c.Known())
		}
	}
}
