package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLineEscapesTerminalControl(t *testing.T) {
	cases := map[string]string{
		"plain ascii":                  "plain ascii",
		"héllo wörld":                  "héllo wörld",
		"\x1b]0;pwned\x07title":        `\e]0;pwned\x07title`,
		"\x1b[2J\x1b[31mred":           `\e[2J\e[31mred`,
		"a\nb\tc\rd":                   `a\nb\tc\rd`,
		"c1 \u009b31m csi":             `c1 \x9b31m csi`,
		"bad \xff\xfe utf8":            `bad \xff\xfe utf8`,
		"bidi \u202eevil\u202c":        `bidi \u{202e}evil\u{202c}`,
		"del\x7f":                      `del\x7f`,
		"xmrig {\"method\":\"login\"}": "xmrig {\"method\":\"login\"}",
	}
	for in, want := range cases {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBlockKeepsLineBreaks(t *testing.T) {
	got := Block("line1\r\nline2\n\tindent\x1b[0m")
	want := "line1\nline2\n\tindent\\e[0m"
	if got != want {
		t.Fatalf("Block = %q, want %q", got, want)
	}
}

func TestIsSafe(t *testing.T) {
	if !IsSafe("pool.supportxmr.com:3333") || IsSafe("x\x1b[0m") || IsSafe("\xff") {
		t.Fatal("IsSafe disagrees with Line")
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[31m", "\xff\xfe", "\u202e", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Block(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q", s)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
					t.Fatalf("control %U survived in %q", r, out)
				}
			}
		}
		if strings.ContainsAny(Line(s), "\n\t") {
			t.Fatalf("Line kept a line break: %q", Line(s))
		}
	})
}
