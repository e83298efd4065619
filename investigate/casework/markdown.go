package casework

import (
	"regexp"
	"strings"

	"github.com/minertriage/minertriage/investigate/textsafe"
)

// The case notes are pasted into tickets and wikis that render markdown, so
// everything that came from evidence must stay inert there: no links, no
// HTML, no escape sequences, and no live indicator (a clickable pool URL or
// a resolvable host name). These helpers are the only way evidence text
// reaches the notes.

var (
	// reScheme finds a URL scheme; http(s) becomes hxxp(s), any other
	// scheme keeps its name but loses its "://".
	reScheme = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]{1,30})://`)
	// reIPv4 finds dotted quads (the last dot is bracketed).
	reIPv4 = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	// reDomain finds host names: labels ending in an alphabetic TLD.
	reDomain = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9\-]{1,62}\b`)
	// reWWW finds "www." (GFM links "www.x" whatever follows).
	reWWW = regexp.MustCompile(`(?i)\b(www)\.`)
	// reIPv6 finds IPv6-looking runs: at least two colons between hex groups.
	reIPv6 = regexp.MustCompile(`(?i)\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b`)
)

// Defang rewrites every URL, host name and IP address in s so that it can
// be neither clicked nor resolved: 45.9.148[.]21, pool.supportxmr[.]com,
// hxxp://, stratum+tcp[://], [2001:db8[:]:1]. Text that is already
// defanged is left as it is, so Defang is idempotent.
func Defang(s string) string {
	s = reScheme.ReplaceAllStringFunc(s, func(m string) string {
		scheme := m[:len(m)-3]
		switch strings.ToLower(scheme) {
		case "http":
			return "hxxp://"
		case "https":
			return "hxxps://"
		case "hxxp", "hxxps":
			return m
		}
		return scheme + "[://]"
	})
	s = reWWW.ReplaceAllString(s, "${1}[.]")
	s = replaceUnlessDefanged(s, reIPv4)
	s = replaceUnlessDefanged(s, reDomain)
	s = reIPv6.ReplaceAllStringFunc(s, func(m string) string {
		// Only real addresses (something besides colons) and not times
		// such as 12:30:00, which have no hex letters and short groups;
		// those are harmless either way, so bracketing the last colon is
		// kept for anything with a double colon or a hex letter.
		if strings.Trim(m, ":") == "" {
			return m
		}
		if !strings.Contains(m, "::") && !strings.ContainsAny(strings.ToLower(m), "abcdef") {
			return m
		}
		i := strings.LastIndex(m, ":")
		return m[:i] + "[:]" + m[i+1:]
	})
	return s
}

// fileExts are name endings that look like TLDs to reDomain but are
// evidence file names (none is a real top-level domain).
var fileExts = map[string]bool{"pcap": true, "pcapng": true, "gz": true, "csv": true, "log": true, "json": true, "jsonl": true, "txt": true, "tsv": true}

// replaceUnlessDefanged brackets the last dot of every match of re, except
// matches already followed by "[" (defanged before) and file names.
func replaceUnlessDefanged(s string, re *regexp.Regexp) string {
	idx := re.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		b.WriteString(s[last:m[0]])
		word := s[m[0]:m[1]]
		dot := strings.LastIndex(word, ".")
		switch {
		case m[1] < len(s) && s[m[1]] == '[':
			b.WriteString(word)
		case fileExts[strings.ToLower(word[dot+1:])]:
			b.WriteString(word)
		default:
			b.WriteString(bracketLastDot(word))
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// bracketLastDot turns the last "." of a host or address into "[.]".
func bracketLastDot(m string) string {
	i := strings.LastIndex(m, ".")
	if i < 0 {
		return m
	}
	return m[:i] + "[.]" + m[i+1:]
}

// neutralise makes untrusted text safe anywhere in the notes: no control
// bytes (textsafe), no live indicators (Defang), and no angle brackets,
// which some renderers turn into HTML even inside code.
func neutralise(s string) string {
	s = Defang(textsafe.Line(s))
	return strings.NewReplacer("<", `\x3c`, ">", `\x3e`).Replace(s)
}

// neutraliseBlock is neutralise for multi-line text (code blocks).
func neutraliseBlock(s string) string {
	s = Defang(textsafe.Block(s))
	return strings.NewReplacer("<", `\x3c`, ">", `\x3e`).Replace(s)
}

// codeSpan wraps untrusted text in an inline code span whose fence is
// longer than any backtick run inside, so the text can never close it.
func codeSpan(s string) string {
	s = neutralise(s)
	if s == "" {
		return "` `"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// cellSpan is codeSpan for a table cell: GFM splits cells on "|" even
// inside code spans unless it is escaped.
func cellSpan(s string) string {
	return strings.ReplaceAll(codeSpan(s), "|", `\|`)
}

// codeBlock fences untrusted multi-line text with a fence longer than any
// backtick run inside it.
func codeBlock(s, info string) string {
	s = strings.TrimRight(neutraliseBlock(s), "\n")
	n := max(3, longestRun(s, '`')+1)
	fence := strings.Repeat("`", n)
	return fence + info + "\n" + s + "\n" + fence + "\n"
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// prose escapes evidence text for use outside code: escapeMD, then every
// host, address and URL defanged.
func prose(s string) string {
	// Defang last, so its brackets stay readable in the raw markdown; a
	// lone "[.]" forms no link without a reference definition, and no
	// evidence text can write one (its "[" is escaped).
	return Defang(escapeMD(s))
}

// escapeMD escapes text for use outside code: every markdown-active
// character is backslash-escaped and angle brackets become entities, so the
// text can form no emphasis, link, image, HTML or heading.
func escapeMD(s string) string {
	s = textsafe.Line(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '!', '|', '#', '~', '@':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
