package casework

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzAllowList: any input either loads or fails with an error naming the
// list and a line; a loaded list never panics when matched.
func FuzzAllowList(f *testing.F) {
	for _, s := range []string{"10.0.0.1 # lab\n", "10.0.0.0/8\nWALLET.rig\n", "fd00::/7\n::1\n", "a b\n", "http://x\n", "#\n\n\t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		l, err := LoadAllowList(strings.NewReader(in), "allow.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "allow.txt:") {
				t.Fatalf("error %q does not name the list and line", err)
			}
			return
		}
		l.Match(netip.MustParseAddr("10.1.2.3"), []string{in, "WALLET.rig1"})
	})
}

// FuzzMarkdownHelpers: whatever the evidence text, the helpers' output
// holds no control byte, and rendered as GFM it forms no link, image or
// HTML, and the text cannot escape its code span or block.
func FuzzMarkdownHelpers(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("``` ` `` x")
	f.Add("pool.supportxmr.com:3333 45.9.148.21 http://a.b/c")
	f.Fuzz(func(t *testing.T, in string) {
		md := "a " + codeSpan(in) + " b\n\n| c |\n|---|\n| " + cellSpan(in) + " |\n\nd " + prose(in) + " e\n\n" + codeBlock(in, "text")
		if !utf8.ValidString(md) {
			t.Fatalf("invalid UTF-8 from %q", in)
		}
		for _, r := range md {
			if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("control %U in output for %q", r, in)
			}
		}
		html := renderWithin(t, md, in)
		for _, bad := range []string{"<a ", "<img", "href=\"", "<script"} {
			if strings.Contains(html, bad) {
				t.Fatalf("%q formed %q:\n%s", in, bad, html)
			}
		}
		// The code block must end where it was put: the text after it
		// is not swallowed, and "d … e" stays one paragraph.
		if !bytes.Contains([]byte(html), []byte("<pre><code class=\"language-text\">")) {
			t.Fatalf("code block broken for %q:\n%s", in, html)
		}
	})
}

// renderWithin renders md, failing (and so saving the input) when it takes
// more than a few seconds: a hang is a finding too.
func renderWithin(t *testing.T, md, in string) string {
	done := make(chan string, 1)
	go func() { done <- renderHTML(t, md) }()
	select {
	case html := <-done:
		return html
	case <-time.After(3 * time.Second):
		t.Fatalf("rendering took over 3 s for an input of %d bytes: %q", len(in), in[:min(len(in), 200)])
	}
	return ""
}
