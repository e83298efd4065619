package stratum

import (
	"bytes"
	"encoding/json"
)

// A small validating JSON walker. encoding/json validates a message, then
// decodes it with reflection, then validates each RawMessage again when it
// is decoded in turn; for Stratum lines (a few hundred bytes, mostly hex)
// that made parsing the cost of the whole capture pipeline. The walker
// validates in one pass and hands out sub-slices without copying. It
// accepts exactly what json.Valid accepts (FuzzWalkerMatchesJSONValid),
// except nesting deeper than maxDepth, which no Stratum message needs.

const maxDepth = 256

// skipValue returns the index just past the JSON value that starts at or
// after b[i] (leading whitespace allowed), or -1 if it is not valid JSON.
func skipValue(b []byte, i, depth int) int {
	i = skipWS(b, i)
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return -1
		}
		return skipComposite(b, i, depth+1)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	default:
		return skipNumber(b, i)
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// skipString expects b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		case c == '\\':
			i++
			if i >= len(b) {
				return -1
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i < 5 || !isHex(string(b[i+1:i+5]), 4) {
					return -1
				}
				i += 4
			default:
				return -1
			}
		}
	}
	return -1
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func skipNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// skipComposite expects b[i] to be '{' or '['.
func skipComposite(b []byte, i, depth int) int {
	obj := b[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1
	}
	for {
		if obj {
			if i >= len(b) || b[i] != '"' {
				return -1
			}
			if i = skipString(b, i); i < 0 {
				return -1
			}
			if i = skipWS(b, i); i >= len(b) || b[i] != ':' {
				return -1
			}
			i++
		}
		if i = skipValue(b, i, depth); i < 0 {
			return -1
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return -1
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case closer:
			return i + 1
		default:
			return -1
		}
	}
}

// validJSON reports whether b holds exactly one JSON value.
func validJSON(b []byte) bool {
	end := skipValue(b, 0, 0)
	return end >= 0 && skipWS(b, end) == len(b)
}

// members calls fn for each member of the object in raw, with the key
// unescaped and the value as sub-slices (valid only during the call). It returns false if raw is not a
// valid object. Keys match case-sensitively and the last duplicate wins, as
// in the JavaScript and Python pools.
func members(raw []byte, fn func(key, val []byte)) bool {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipWS(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return true
	}
	for i < len(raw) && raw[i] == '"' {
		kEnd := skipString(raw, i)
		if kEnd < 0 {
			return false
		}
		key := raw[i+1 : kEnd-1]
		if i = skipWS(raw, kEnd); i >= len(raw) || raw[i] != ':' {
			return false
		}
		vStart := skipWS(raw, i+1)
		vEnd := skipValue(raw, vStart, 1)
		if vEnd < 0 {
			return false
		}
		fn(unescapeKey(key), raw[vStart:vEnd])
		i = skipWS(raw, vEnd)
		if i < len(raw) && raw[i] == '}' {
			return true
		}
		if i >= len(raw) || raw[i] != ',' {
			return false
		}
		i = skipWS(raw, i+1)
	}
	return false
}

// unescapeKey decodes a member name; a miner may escape "method" as
// "\u006dethod" and the pool still reads it, so the detector must too.
func unescapeKey(k []byte) []byte {
	if bytes.IndexByte(k, '\\') < 0 {
		return k
	}
	var s string
	if json.Unmarshal(append(append([]byte{'"'}, k...), '"'), &s) != nil {
		return nil
	}
	return []byte(s)
}

// elements calls fn for each element of the array in raw; false if raw is
// not a valid array.
func elements(raw []byte, fn func(val []byte)) bool {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return false
	}
	i = skipWS(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		return true
	}
	for i < len(raw) {
		vStart := i
		vEnd := skipValue(raw, vStart, 1)
		if vEnd < 0 {
			return false
		}
		fn(raw[vStart:vEnd])
		i = skipWS(raw, vEnd)
		if i < len(raw) && raw[i] == ']' {
			return true
		}
		if i >= len(raw) || raw[i] != ',' {
			return false
		}
		i = skipWS(raw, i+1)
	}
	return false
}
