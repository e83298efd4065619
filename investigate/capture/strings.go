package capture

import (
	"unicode"
	"unicode/utf8"
)

// printable marks the ASCII bytes that may be part of a string.
var printable = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	return t
}()

// eachString calls fn with every run of at least min printable characters
// (ASCII or valid UTF-8) in b. It returns the number of runs found; fn may
// be nil to count only.
func eachString(b []byte, min int, fn func(run []byte)) int {
	n, start, runes := 0, -1, 0
	end := func(i int) {
		if start >= 0 && runes >= min {
			n++
			if fn != nil {
				fn(b[start:i])
			}
		}
		start, runes = -1, 0
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			if printable[c] {
				if start < 0 {
					start = i
				}
				runes++
			} else {
				end(i)
			}
			i++
			continue
		}
		if c < 0xc2 || c > 0xf4 { // never starts valid UTF-8: skip the decoder
			end(i)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			end(i)
			i++
			continue
		}
		if start < 0 {
			start = i
		}
		runes++
		i += size
	}
	end(len(b))
	return n
}
