// Package textsafe turns untrusted text (payload strings, log fields, JSON
// values) into text that is safe to put on a terminal or into notes: every
// control character, escape sequence introducer, bidirectional override and
// invalid UTF-8 byte is replaced by a visible escape, so hostile input can
// never retitle, clear or recolour the analyst's terminal.
package textsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Line sanitises s for a single line of output: newlines and tabs are
// escaped too (\n, \t).
func Line(s string) string { return sanitize(s, false) }

// Block sanitises s for multi-line output: newlines and tabs are kept,
// everything else that could drive a terminal is escaped.
func Block(s string) string { return sanitize(s, true) }

// Bytes is Line for raw bytes.
func Bytes(b []byte) string { return sanitize(string(b), false) }

// IsSafe reports whether Line(s) would return s unchanged.
func IsSafe(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return false
		}
		if needsEscape(r, false) {
			return false
		}
		i += size
	}
	return true
}

func sanitize(s string, keepNewlines bool) string {
	// Fast path: most text is clean.
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
			i++
			continue
		}
		switch {
		case keepNewlines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\r' && keepNewlines && i+1 < len(s) && s[i+1] == '\n':
			// CRLF: keep the line break, drop the carriage return.
		case needsEscape(r, keepNewlines):
			b.WriteString(escape(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsEscape: C0 controls, DEL, C1 controls (0x80–0x9f: 0x9b is a one-byte
// CSI on some terminals), bidi overrides and isolates (Trojan Source), and
// the line/paragraph separators.
func needsEscape(r rune, keepNewlines bool) bool {
	switch {
	case r < 0x20, r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case r == 0xfeff:
		return true
	}
	return false
}

func escape(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\t':
		return `\t`
	case '\r':
		return `\r`
	case 0x1b:
		return `\e`
	}
	if r < 0x100 {
		return `\x` + hex2(byte(r))
	}
	return `\u{` + strconv.FormatInt(int64(r), 16) + `}`
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
