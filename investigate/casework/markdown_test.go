package casework

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func TestDefang(t *testing.T) {
	cases := map[string]string{
		"45.9.148.21":                                "45.9.148[.]21",
		"pool.supportxmr.com":                        "pool.supportxmr[.]com",
		"POOL.SupportXMR.com:3333":                   "POOL.SupportXMR[.]com:3333",
		"http://evil.example/x.php?a=1":              "hxxp://evil[.]example/x[.]php?a=1",
		"HTTPS://1.2.3.4:443/":                       "hxxps://1.2.3[.]4:443/",
		"stratum+tcp://xmr.pool.minergate.com:45700": "stratum+tcp[://]xmr.pool.minergate[.]com:45700",
		"www.example.com":                            "www[.]example[.]com",
		"XMRig/6.18.1 (Linux x86_64) libuv/1.44.1":   "XMRig/6.18.1 (Linux x86_64) libuv/1.44.1",
		"rx/0, cn/1":                                 "rx/0, cn/1",
		"miner.pcap and traffic.csv":                 "miner.pcap and traffic.csv",
		"[fd00::5]:40112":                            "[fd00:[:]5]:40112",
		"at 07:12:33":                                "at 07:12:33",
	}
	for in, want := range cases {
		if got := Defang(in); got != want {
			t.Errorf("Defang(%q) = %q, want %q", in, got, want)
		}
		if again := Defang(Defang(in)); again != Defang(in) {
			t.Errorf("Defang is not idempotent on %q: %q then %q", in, Defang(in), again)
		}
	}
}

func TestCodeSpanFenceOutlastsBackticks(t *testing.T) {
	cases := map[string]string{
		"plain":           "`plain`",
		"a`b":             "``a`b``",
		"``x```":          "```` ``x``` ````",
		"":                "` `",
		"<img src=x>":     "`\\x3cimg src=x\\x3e`",
		"\x1b[31mred":     "`\\e[31mred`",
		"see http://a.bc": "`see hxxp://a[.]bc`",
	}
	for in, want := range cases {
		if got := codeSpan(in); got != want {
			t.Errorf("codeSpan(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cellSpan("a|b"); got != "`a\\|b`" {
		t.Errorf("cellSpan = %q", got)
	}
	if got := codeBlock("x\n````\ny", "text"); !strings.HasPrefix(got, "`````text\n") || !strings.HasSuffix(got, "\n`````\n") {
		t.Errorf("codeBlock fence too short:\n%s", got)
	}
}

// hostile are strings an attacker controls: Stratum fields, payloads, log
// fields. Rendered through every helper, none may become a link, an image,
// HTML or an escape sequence.
var hostile = []string{
	"[click](http://evil.example/login)",
	"![x](https://evil.example/pixel.png)",
	"<img src=x onerror=alert(1)>",
	"<script>alert(1)</script>",
	"<https://evil.example>",
	"http://evil.example/a",
	"www.evil.example",
	"evil@evil.example",
	"[ref]: http://evil.example",
	"`` ` ``` code breakout ``` <b>x</b>",
	"\x1b]0;pwned\x07\x1b[2J",
	"\u009b31m c1 csi",
	"| broken | table |",
	"# heading\n- list",
	"javascript:alert(1)",
	"&lt;img src=x&gt;",
}

func renderHTML(t *testing.T, md string) string {
	t.Helper()
	var out bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	if err := gm.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestHelpersRenderInert(t *testing.T) {
	for _, h := range hostile {
		for name, md := range map[string]string{
			"codeSpan": "x " + codeSpan(h) + " y",
			"cellSpan": "| a |\n|---|\n| " + cellSpan(h) + " |",
			"prose":    "x " + prose(h) + " y",
			"block":    codeBlock(h, "text"),
		} {
			assertInert(t, name+"("+h+")", md)
		}
	}
}

// assertInert checks raw markdown and its HTML rendering (GFM with
// autolinks) for anything live.
func assertInert(t *testing.T, what, md string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "](http", "<img", "<script", "http://", "https://", "evil.example"} {
		if strings.Contains(md, bad) {
			t.Errorf("%s: markdown contains %q:\n%s", what, bad, md)
		}
	}
	html := renderHTML(t, md)
	for _, bad := range []string{"<a ", "<img", "<script", "<b>", "href=\""} {
		if strings.Contains(html, bad) {
			t.Errorf("%s: HTML contains %q:\n%s", what, bad, html)
		}
	}
}
