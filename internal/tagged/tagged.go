// Package tagged encodes the values behind a sealed interface as JSON objects
// carrying a "type" member, so that recorded traces of events and effects can
// be decoded back into the right concrete types.
package tagged

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrUnknownType is returned for a "type" member no decoder is registered for.
var ErrUnknownType = errors.New("unknown type tag")

// Marshal encodes v as a JSON object whose first member is "type": tag. The
// value must encode as an object; pass a type without a MarshalJSON method
// (a defined copy of the real type) to avoid recursion.
func Marshal(tag string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("tagged: %s does not encode as a JSON object", tag)
	}
	name, err := json.Marshal(tag)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(body) + len(name) + 10)
	out.WriteString(`{"type":`)
	out.Write(name)
	if len(body) > 2 {
		out.WriteByte(',')
	}
	out.Write(body[1:])
	return out.Bytes(), nil
}

// Decoders maps a type tag to a function decoding the whole object.
type Decoders[T any] map[string]func(data []byte) (T, error)

// Decode reads the "type" member of data and hands data to its decoder.
func (d Decoders[T]) Decode(data []byte) (T, error) {
	var zero T
	var head struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return zero, err
	}
	if head.Type == nil {
		return zero, fmt.Errorf("tagged: missing \"type\" member: %w", ErrUnknownType)
	}
	dec, ok := d[*head.Type]
	if !ok {
		return zero, fmt.Errorf("tagged: %q: %w", *head.Type, ErrUnknownType)
	}
	return dec(data)
}

// As returns a decoder that unmarshals the object into a P and converts it to
// the interface type T.
func As[T any, P any](convert func(P) T) func([]byte) (T, error) {
	return func(data []byte) (T, error) {
		var p P
		if err := json.Unmarshal(data, &p); err != nil {
			var zero T
			return zero, err
		}
		return convert(p), nil
	}
}
