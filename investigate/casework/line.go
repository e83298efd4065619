package casework

import (
	"fmt"
	"strings"

	"github.com/minertriage/minertriage/investigate/textsafe"
)

// line builds one sentence twice: as plain text for the terminal and JSON
// (untrusted parts sanitised by textsafe) and as markdown for the notes
// (untrusted parts in code spans, hosts defanged, our own words escaped).
// Findings are written once with it, so the two forms never drift.
type line struct {
	plain strings.Builder
	md    strings.Builder
}

// t appends our own words (formatted with numbers and names of our own;
// evidence strings go through u or h). The markdown side is escaped, not
// defanged, so "addr.src" in a PAN-OS filter stays as written.
func (l *line) t(format string, args ...any) *line {
	s := fmt.Sprintf(format, args...)
	l.plain.WriteString(textsafe.Line(s))
	l.md.WriteString(escapeMD(s))
	return l
}

// u appends an untrusted value: sanitised in plain text, a code span in
// markdown.
func (l *line) u(s string) *line {
	l.plain.WriteString(textsafe.Line(s))
	l.md.WriteString(codeSpan(s))
	return l
}

// h appends a host, address or URL: plain as it is (sanitised), defanged
// in markdown (prose keeps it readable: 45.9.148[.]21).
func (l *line) h(s string) *line {
	l.plain.WriteString(textsafe.Line(s))
	l.md.WriteString(prose(s))
	return l
}

// add appends another line (both forms).
func (l *line) add(o *line) *line {
	l.plain.WriteString(o.plain.String())
	l.md.WriteString(o.md.String())
	return l
}

// text returns both forms.
func (l *line) text() (plain, md string) { return l.plain.String(), l.md.String() }

// newLine starts a line with our own words.
func newLine(format string, args ...any) *line {
	l := &line{}
	if format != "" {
		l.t(format, args...)
	}
	return l
}

// finding accumulates one step's Finding with the markdown twins of its
// summary and details.
type finding struct {
	f         Finding
	summaryMD string
	detailsMD []string
}

// summary sets the one-line summary.
func (b *finding) summary(l *line) {
	b.f.Summary, b.summaryMD = l.text()
}

// detail appends one detail line.
func (b *finding) detail(l *line) {
	p, m := l.text()
	b.f.Details = append(b.f.Details, p)
	b.detailsMD = append(b.detailsMD, m)
}

// detailf appends a detail made only of our own words.
func (b *finding) detailf(format string, args ...any) { b.detail(newLine(format, args...)) }

// done returns the Finding with its markdown twins attached.
func (b *finding) done() Finding {
	f := b.f
	if f.Details == nil {
		f.Details = []string{}
	}
	f.md = &findingMD{Summary: b.summaryMD, Details: b.detailsMD}
	return f
}
