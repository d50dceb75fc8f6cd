package transcript

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestFormatJSON(t *testing.T) {
	for _, tc := range []struct{ json, line string }{
		{`{"type":"Synced"}`, `Synced`},
		{`{"type":"Synced","at":"2025-06-30T20:04:26Z"}`, `Synced at=2025-06-30T20:04:26Z`},
		{`{"type":"Upsert","endpoint":{"name":"east-gw-2","clusterID":"east","subnets":["10.1.0.0/16","10.2.0.0/16"],"sequence":2}}`,
			`Upsert endpoint: name=east-gw-2 clusterID=east subnets=[10.1.0.0/16,10.2.0.0/16] sequence=2`},
		{`{"type":"Notified","notification":{"type":"RemoteEndpointCreated","endpoint":{"name":"c3-gw"}}}`,
			`Notified notification: type=RemoteEndpointCreated endpoint.name=c3-gw`},
		{`{"type":"Notified","notification":{"endpoint":{"name":"c3-gw"}},"at":"2026-01-01T00:00:00Z"}`,
			`Notified notification.endpoint.name=c3-gw at=2026-01-01T00:00:00Z`},
		{`{"type":"X","uid":"1","ok":"true","n":1,"b":false,"z":null,"e":"","s":"a b","q":"say \"hi\""}`,
			`X uid="1" ok="true" n=1 b=false z=null e="" s="a b" q="say \"hi\""`},
		{`{"type":"X","status":{},"list":[],"cs":[{"type":"Ready","status":"True"}]}`,
			`X status={} list=[] cs.0.type=Ready cs.0.status=True`},
		{`{"type":"X","cfg":{"a.b/c":"v","7":"w"},"l":["a,b","c"]}`,
			`X cfg."a.b/c"=v cfg."7"=w l=["a,b",c]`},
		{`{"window":4,"errorAfter":2}`, `window=4 errorAfter=2`},
	} {
		got, err := FormatJSON([]byte(tc.json))
		if err != nil || got != tc.line {
			t.Errorf("FormatJSON(%s) = %q, %v\nwant %q", tc.json, got, err, tc.line)
			continue
		}
		back, err := ParseJSON(got)
		if err != nil || !sameJSON(t, back, []byte(tc.json)) {
			t.Errorf("ParseJSON(%q) = %s, %v, want %s", got, back, err, tc.json)
		}
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`X a=b c`, `want key=value`},
		{`X a=b a=c`, `given twice`},
		{`X a.b=1 a.0=2`, `not a list`},
		{`X a.1=x`, `index 1 skips 0`},
		{`X a.0=x a.2=y`, `index 2 skips 1`},
		{`X a="unterminated`, `unterminated`},
		{`X a=[1,2`, `unclosed [`},
		{`X a=b,c`, `must be quoted`},
		{`X a=x a.b=y`, `is a value`},
		{`X "a=b`, `unterminated`},
		{`X a..b: c=d`, `bad key`},
		{`1 a=b`, `not an event type`},
	} {
		_, err := ParseJSON(tc.line)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseJSON(%q) = %v, want an error with %q", tc.line, err, tc.want)
		}
	}
}

type event struct {
	Name string            `json:"name"`
	At   string            `json:"at,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
}

func decodeEvent(data []byte) (event, error) {
	var e event
	err := json.Unmarshal(data, &e)
	return e, err
}

func TestParseRejectsUnknownKeys(t *testing.T) {
	if e, err := Parse(`name=a tags.x=v at=""`, decodeEvent); err != nil || e.Name != "a" || e.Tags["x"] != "v" {
		t.Errorf("Parse = %+v, %v", e, err)
	}
	// Go's decoder would take Name for name and ignore nmae; Parse does not.
	for _, line := range []string{`Name=a`, `nmae=a`, `name=a bogus.x=1`} {
		if _, err := Parse(line, decodeEvent); err == nil || !strings.Contains(err.Error(), "unknown key") {
			t.Errorf("Parse(%q) = %v, want an unknown key", line, err)
		}
	}
}

// jsonValue draws a JSON value: nested objects and lists, keys and
// strings with the characters a line must quote.
func jsonValue(depth int) *rapid.Generator[any] {
	str := rapid.OneOf(
		rapid.SampledFrom([]string{"", "1", "-2.5e3", "true", "null", "a b", "a,b", "[x]", `"q"`, "a=b", "x.y", "0", "{}", "#", "é", "\\", "\n"}),
		rapid.StringMatching(`[a-z0-9./:-]{1,8}`),
		rapid.String(),
	)
	scalar := rapid.OneOf(
		rapid.Map(str, func(s string) any { return s }),
		rapid.Map(rapid.IntRange(-1000, 1000), func(n int) any { return float64(n) }),
		rapid.Map(rapid.Bool(), func(b bool) any { return b }),
		rapid.Just[any](nil),
	)
	if depth == 0 {
		return scalar
	}
	inner := jsonValue(depth - 1)
	return rapid.OneOf(
		scalar,
		rapid.Map(rapid.SliceOfN(inner, 0, 3), func(s []any) any { return s }),
		rapid.Map(rapid.MapOfN(str, inner, 0, 3), func(m map[string]any) any { return m }),
	)
}

// Any JSON object survives a line: FormatJSON then ParseJSON gives the same
// value back.
func TestLineRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		obj := rapid.MapOfN(rapid.StringMatching(`[a-zA-Z0-9._" =-]{0,6}`), jsonValue(3), 0, 5).Draw(t, "object")
		if rapid.Bool().Draw(t, "typed") {
			obj["type"] = rapid.SampledFrom([]string{"Upsert", "Synced", "RetryDue"}).Draw(t, "type")
		}
		data, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		line, err := FormatJSON(data)
		if err != nil {
			t.Fatalf("FormatJSON(%s): %v", data, err)
		}
		if strings.ContainsAny(line, "\n\t") {
			t.Fatalf("line %q spans lines", line)
		}
		back, err := ParseJSON(line)
		if err != nil {
			t.Fatalf("ParseJSON(%q) of %s: %v", line, data, err)
		}
		var want, got any
		_ = json.Unmarshal(data, &want)
		if err := json.Unmarshal(back, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("line %q\nread back as %s\nwant %s", line, back, data)
		}
	})
}

// Whatever ParseJSON accepts, FormatJSON writes as a line that reads back
// the same.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`Synced`, `Upsert endpoint.name=a endpoint.subnets=[10.0.0.0/8]`, `X a.0.b=1 a.1.b="x y"`,
		`X "a.b"=c`, `X a=[] b={}`, `X a=["a,b",c]`, `a=1`, `X a="\u00e9"`,
		`"\200"=0`, `X a: b=1 c: d=2`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		data, err := ParseJSON(line)
		if err != nil {
			return
		}
		again, err := FormatJSON(data)
		if err != nil {
			t.Fatalf("FormatJSON(%s) of %q: %v", data, line, err)
		}
		back, err := ParseJSON(again)
		if err != nil || string(back) != string(data) {
			t.Fatalf("%q -> %s -> %q -> %s, %v", line, data, again, back, err)
		}
	})
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}
