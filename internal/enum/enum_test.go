package enum

import "testing"

type color uint8

var colors = []string{1: "Red", 2: "Green"}

func TestRoundTrip(t *testing.T) {
	for v := color(1); v <= 2; v++ {
		b, err := Marshal(colors, v, "color")
		if err != nil {
			t.Fatal(err)
		}
		back, err := Unmarshal[color](colors, b, "color")
		if err != nil || back != v || Name(colors, v, "color") != string(b) {
			t.Errorf("%d: %s -> %d, %v", v, b, back, err)
		}
	}
	if _, err := Marshal(colors, color(0), "color"); err == nil {
		t.Error("marshalled the zero value")
	}
	if _, err := Marshal(colors, color(9), "color"); err == nil {
		t.Error("marshalled an out-of-range value")
	}
	if _, err := Unmarshal[color](colors, []byte("Blue"), "color"); err == nil {
		t.Error("unmarshalled an unknown name")
	}
	if got := Name(colors, color(7), "color"); got != "color(7)" {
		t.Errorf("Name = %q", got)
	}
}
