// Package enum gives small integer enumerations their text form: String,
// MarshalText and UnmarshalText from a table of names indexed by value,
// where index 0 (the zero value) is left empty as "not a value".
package enum

import "fmt"

// Name returns names[v], or typ(v) for a value without a name.
func Name[T ~uint8](names []string, v T, typ string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}

// Marshal encodes v as its name; a value without one is an error.
func Marshal[T ~uint8](names []string, v T, typ string) ([]byte, error) {
	if int(v) < len(names) && names[v] != "" {
		return []byte(names[v]), nil
	}
	return nil, fmt.Errorf("cannot marshal %s(%d)", typ, uint8(v))
}

// Unmarshal decodes a name into its value.
func Unmarshal[T ~uint8](names []string, b []byte, typ string) (T, error) {
	for i, name := range names {
		if name != "" && name == string(b) {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q", typ, b)
}
