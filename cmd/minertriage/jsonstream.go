package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// writeJSONStream prints the struct v (or a pointer to one) exactly as
// writeJSON would — same key order, same indentation, same escaping — but
// one top-level field at a time, and each element of a top-level slice on
// its own, through a small buffer. A capture's Result holds tens of
// thousands of conversations; marshalling it whole costs several times the
// analysis itself in memory, while this costs one element.
//
// Fields are found by reflection, as encoding/json finds them, so a field
// added to the struct later is written without touching this code.
// Options it does not implement (",string", embedded structs) are an error
// rather than a silently different document.
func writeJSONStream(w io.Writer, v any) error {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return fmt.Errorf("writeJSONStream: %s is not a struct", rv.Type())
	}
	s := newJSONStreamer(w)
	if err := s.object(rv); err != nil {
		return err
	}
	s.bw.WriteByte('\n')
	return s.bw.Flush()
}

// jsonStreamer holds the output buffer and one reusable encoder per
// nesting level, so writing an element leaves next to no garbage: with
// per-element MarshalIndent the collector let the heap grow to twice the
// analysis while the document was written.
type jsonStreamer struct {
	bw     *bufio.Writer
	buf    bytes.Buffer
	field  *json.Encoder // values of the top-level keys
	member *json.Encoder // elements of top-level arrays
}

func newJSONStreamer(w io.Writer) *jsonStreamer {
	s := &jsonStreamer{bw: bufio.NewWriterSize(w, 64<<10)}
	s.field = json.NewEncoder(&s.buf)
	s.field.SetIndent("  ", "  ")
	s.member = json.NewEncoder(&s.buf)
	s.member.SetIndent("    ", "  ")
	return s
}

// object writes the top-level object; bufio keeps the first write error,
// and it is checked per field so a closed pipe stops the work early.
func (s *jsonStreamer) object(rv reflect.Value) error {
	bw := s.bw
	t := rv.Type()
	bw.WriteByte('{')
	n := 0
	for i := range t.NumField() {
		f := t.Field(i)
		name, omit, err := jsonFieldOf(f)
		if err != nil {
			return err
		}
		fv := rv.Field(i)
		if name == "" || omit(fv) {
			continue
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		key, _ := json.Marshal(name) // a string always marshals
		bw.WriteString("\n  ")
		bw.Write(key)
		bw.WriteString(": ")
		if streamable(fv) {
			err = s.array(fv)
		} else {
			err = s.value(s.field, fv)
		}
		if err != nil {
			return fmt.Errorf("JSON field %q: %w", name, err)
		}
		if err := bufErr(bw); err != nil {
			return err
		}
	}
	if n > 0 {
		bw.WriteByte('\n')
	}
	bw.WriteByte('}')
	return nil
}

// array writes a non-empty slice element by element, indented as the
// second level of the document.
func (s *jsonStreamer) array(fv reflect.Value) error {
	bw := s.bw
	bw.WriteString("[\n")
	for i := range fv.Len() {
		bw.WriteString("    ")
		if err := s.value(s.member, fv.Index(i)); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
		if i < fv.Len()-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
		if err := bufErr(bw); err != nil {
			return err
		}
	}
	bw.WriteString("  ]")
	return nil
}

// value encodes one value as it appears nested at enc's prefix, with the
// terminal-control escaping of writeJSON. An addressable value is passed
// by pointer, as encoding/json does inside a struct, which also spares
// boxing a copy of every element.
func (s *jsonStreamer) value(enc *json.Encoder, v reflect.Value) error {
	var x any
	if v.CanAddr() {
		x = v.Addr().Interface()
	} else {
		x = v.Interface()
	}
	s.buf.Reset()
	if err := enc.Encode(x); err != nil {
		return err
	}
	b := bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")) // Encode ends each value with one
	if !asciiBelowDEL(b) {
		b = escapeJSONControls(b)
	}
	_, err := s.bw.Write(b)
	return err
}

// asciiBelowDEL reports whether b is all bytes below 0x7f, so holds
// nothing escapeJSONControls rewrites (DEL, and runes of two or three
// UTF-8 bytes, all >= 0x80). It spares that function's copy of b, which
// over a whole document was its size again in garbage.
func asciiBelowDEL(b []byte) bool {
	for _, c := range b {
		if c >= 0x7f {
			return false
		}
	}
	return true
}

// bufErr is the write error bufio.Writer has kept, if any: an empty
// Write returns it without writing.
func bufErr(bw *bufio.Writer) error {
	_, err := bw.Write(nil)
	return err
}

var jsonMarshalerType = reflect.TypeFor[json.Marshaler]()

// streamable reports whether a field can be written element by element
// and still read the same: a non-empty slice that is not []byte (base64)
// and does not marshal itself.
func streamable(fv reflect.Value) bool {
	return fv.Kind() == reflect.Slice && fv.Len() > 0 &&
		fv.Type().Elem().Kind() != reflect.Uint8 &&
		!fv.Type().Implements(jsonMarshalerType) &&
		!reflect.PointerTo(fv.Type()).Implements(jsonMarshalerType)
}

// jsonFieldOf reads a field's JSON name and omission rule the way
// encoding/json does; name "" means the field is never written.
func jsonFieldOf(f reflect.StructField) (name string, omit func(reflect.Value) bool, err error) {
	never := func(reflect.Value) bool { return false }
	tag := f.Tag.Get("json")
	if !f.IsExported() || tag == "-" {
		return "", never, nil
	}
	if f.Anonymous {
		return "", never, fmt.Errorf("writeJSONStream: embedded field %s is not supported", f.Name)
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	omitEmpty, omitZero := false, false
	for opt := range strings.SplitSeq(opts, ",") {
		switch opt {
		case "":
		case "omitempty":
			omitEmpty = true
		case "omitzero":
			omitZero = true
		default:
			return "", never, fmt.Errorf("writeJSONStream: option %q of field %s is not supported", opt, f.Name)
		}
	}
	return name, func(v reflect.Value) bool {
		return (omitEmpty && isEmptyJSON(v)) || (omitZero && isZeroJSON(v))
	}, nil
}

// isEmptyJSON is encoding/json's "empty" for omitempty.
func isEmptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZeroJSON is encoding/json's rule for omitzero: the type's own IsZero
// method when it has one (time.Time), else the Go zero value.
func isZeroJSON(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return z.IsZero()
	}
	return v.IsZero()
}
