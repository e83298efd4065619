package ui

import (
	"fmt"
	"github.com/charmbracelet/bubbles/cursor"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

// capView is one of the capture pane's sub-views.
type capView int

const (
	capConversations capView = iota
	capPackets
	capStrings
	capStream
	numCapViews
)

// String names the sub-view on its tab.
func (v capView) String() string {
	return [...]string{"conversations", "packets", "strings", "follow stream"}[v]
}

// listRow is one pre-rendered, already sanitised row of a list.
type listRow struct {
	text  string
	style lipgloss.Style
	key   int // conversation index for conversations, else unused
}

// capturePane shows a linked capture: conversations, the packet list, the
// strings (searchable) and a reassembled stream coloured by side.
type capturePane struct {
	c      *Common
	caps   []casework.CaptureAnalysis
	idx    int
	view   capView
	stream int // index into Result.Streams for follow-stream
	rows   []listRow
	cursor int
	offset int
	search textinput.Model
	width  int
	height int
}

func newCapturePane(c *Common) capturePane {
	s := textinput.New()
	s.Cursor.SetMode(cursor.CursorStatic) // no blink timer: calmer, and deterministic views
	s.Prompt = "/"
	s.Placeholder = "search strings"
	s.CharLimit = 200
	return capturePane{c: c, search: s}
}

func (p *capturePane) set(a *casework.Analysis) {
	p.caps = a.Captures
	p.idx, p.view, p.stream = 0, capConversations, 0
	p.rebuild()
}

func (p *capturePane) setSize(w, h int) {
	p.width, p.height = w, h
	p.search.Width = clampInt(w-30, 10, 40)
	p.rebuild()
}

func (p *capturePane) inputFocused() bool { return p.search.Focused() }

// listHeight is the rows area under the two header lines.
func (p *capturePane) listHeight() int { return max(1, p.height-3) }

func (p *capturePane) result() *capture.Result {
	if p.idx < len(p.caps) {
		return p.caps[p.idx].Result
	}
	return nil
}

// update handles the pane's keys.
func (p capturePane) update(km tea.KeyMsg) (capturePane, tea.Cmd) {
	k := p.c.Keys
	if p.search.Focused() {
		switch {
		case key.Matches(km, k.Cancel):
			p.search.Reset()
			p.search.Blur()
		case key.Matches(km, k.Accept):
			p.search.Blur()
		default:
			var cmd tea.Cmd
			p.search, cmd = p.search.Update(km)
			p.cursor, p.offset = 0, 0
			p.rebuild()
			return p, cmd
		}
		p.rebuild()
		return p, nil
	}
	switch {
	case key.Matches(km, k.PrevView):
		p.switchView((p.view + numCapViews - 1) % numCapViews)
	case key.Matches(km, k.NextView):
		p.switchView((p.view + 1) % numCapViews)
	case key.Matches(km, k.PrevItem):
		if len(p.caps) > 0 {
			p.idx = (p.idx + len(p.caps) - 1) % len(p.caps)
			p.stream = 0
			p.switchView(p.view)
		}
	case key.Matches(km, k.NextItem):
		if len(p.caps) > 0 {
			p.idx = (p.idx + 1) % len(p.caps)
			p.stream = 0
			p.switchView(p.view)
		}
	case key.Matches(km, k.Filter):
		if p.view == capStrings {
			return p, p.search.Focus()
		}
	case key.Matches(km, k.Open):
		if p.view == capConversations && p.cursor < len(p.rows) {
			p.followConversation(p.rows[p.cursor].key)
		}
	default:
		p.cursor = cursorBy(k, km, p.cursor, len(p.rows), p.listHeight())
		p.offset = follow(p.cursor, p.offset, p.listHeight())
	}
	return p, nil
}

// followConversation opens the stream of conversation i, when captured.
func (p *capturePane) followConversation(i int) {
	r := p.result()
	if r == nil || i >= len(r.Conversations) {
		return
	}
	cv := r.Conversations[i]
	for si, s := range r.Streams {
		if s.Client == cv.Client && s.Server == cv.Server {
			p.stream = si
			p.switchView(capStream)
			return
		}
	}
}

func (p *capturePane) switchView(v capView) {
	p.view, p.cursor, p.offset = v, 0, 0
	p.rebuild()
}

// cursorBy moves a list cursor, kept on one of the n rows.
func cursorBy(k *KeyMap, km tea.KeyMsg, cur, n, h int) int {
	return clampInt(keyMove(k, km, cur, n, h), 0, max(0, n-1))
}

// follow keeps the cursor inside the window.
func follow(cur, off, h int) int {
	if cur < off {
		off = cur
	}
	if cur >= off+h {
		off = cur - h + 1
	}
	return max(0, off)
}

// addrWidth is the width of the address columns: roomy when there is
// room, enough for IPv4 pairs at 80 columns.
func (p *capturePane) addrWidth() int { return clampInt(p.width-44, 28, 48) }

// rebuild renders the rows of the current sub-view.
func (p *capturePane) rebuild() {
	t := p.c.Theme
	p.rows = p.rows[:0]
	r := p.result()
	if r == nil {
		return
	}
	aw := p.addrWidth()
	switch p.view {
	case capConversations:
		for i, cv := range r.Conversations {
			app := cv.App
			if cv.SNI != "" {
				app += " sni=" + cv.SNI
			}
			start := ""
			if p.width >= 100 { // the start time only where it fits
				start = cv.Start.UTC().Format("15:04:05") + " "
			}
			p.rows = append(p.rows, listRow{key: i, style: t.Text, text: fmt.Sprintf("%-4s %s %6d %7s %7s %s%-5s %s",
				safe(cv.Proto), fit(cv.Client+" → "+cv.Server, aw), cv.Packets, humanBytes(float64(cv.BytesToServer)),
				humanBytes(float64(cv.BytesToClient)), start, shortDuration(cv.End.Sub(cv.Start)), safe(app))})
		}
	case capPackets:
		for _, pk := range r.PacketList {
			p.rows = append(p.rows, listRow{style: t.Text, text: fmt.Sprintf("%6d %s %s %-5s %-4s %6d  %s",
				pk.Frame, pk.Time.UTC().Format("15:04:05.000"), fit(pk.Src+" → "+pk.Dst, aw), safe(pk.Proto), safe(pk.Flags), pk.Length,
				safe(strings.Join(pk.Layers, "/")+" "+pk.Info))})
		}
	case capStrings:
		needle := strings.ToLower(p.search.Value())
		for _, s := range r.Strings {
			if needle != "" && !strings.Contains(strings.ToLower(s.Text), needle) {
				continue
			}
			st := t.Text
			switch s.From {
			case "client":
				st = t.Client
			case "server":
				st = t.Server
			}
			p.rows = append(p.rows, listRow{style: st, text: fmt.Sprintf("%6d %-6s %s", s.Frame, safe(s.From), safe(s.Text))})
		}
	case capStream:
		p.streamRows(r)
	}
	p.cursor = clampInt(p.cursor, 0, max(0, len(p.rows)-1))
}

// streamRows splits the chunks of the followed stream into lines, each
// sanitised and coloured by the side that sent it.
func (p *capturePane) streamRows(r *capture.Result) {
	t := p.c.Theme
	if p.stream >= len(r.Streams) {
		return
	}
	for _, ch := range r.Streams[p.stream].Chunks {
		st, mark := t.Client, "→"
		if ch.From == "server" {
			st, mark = t.Server, "←"
		}
		head := fmt.Sprintf("%s #%d %s", mark, ch.Frame, ch.Time.UTC().Format("15:04:05.000"))
		for _, line := range strings.Split(strings.TrimRight(string(ch.Data), "\r\n"), "\n") {
			p.rows = append(p.rows, listRow{style: st, text: head + "  " + textsafe.Line(strings.TrimSuffix(line, "\r"))})
			head = strings.Repeat(" ", len([]rune(head)))
		}
	}
}

// View implements the pane contract.
func (p capturePane) View() string {
	t := p.c.Theme
	if len(p.caps) == 0 {
		return t.Faint.Render("no capture holds this pair: import a pcap or pcapng of the alert's session\n(PAN-OS threat PCAP, or a tap/span capture) with `minertriage import FILE`.")
	}
	ca := p.caps[p.idx]
	var b strings.Builder
	info := fmt.Sprintf("capture %d/%d: %s", p.idx+1, len(p.caps), safe(ca.Ref.Name))
	if r := ca.Result; r != nil {
		info += fmt.Sprintf(" (%s, %s, %d packets", safe(r.Format), safe(r.LinkType), r.Packets)
		if r.Truncated {
			info += ", truncated"
		}
		info += ")"
	}
	b.WriteString(clip(t.Text.Render(info)+t.Faint.Render("  [ ] capture"), p.width, 1) + "\n")
	var tabs []string
	for v := capView(0); v < numCapViews; v++ {
		if v == p.view {
			tabs = append(tabs, t.TabActive.Render(v.String()))
		} else {
			tabs = append(tabs, t.Tab.Render(v.String()))
		}
	}
	b.WriteString(clip(strings.Join(tabs, "")+t.Faint.Render("  ←/→ view · enter follows a conversation · / searches strings"), p.width, 1) + "\n")
	if ca.Err != "" {
		b.WriteString(t.Err.Render("could not analyse the capture: " + safe(ca.Err)))
		return b.String()
	}
	b.WriteString(p.subHeader() + "\n")
	if len(p.rows) == 0 {
		b.WriteString(t.Faint.Render("nothing to show in this view"))
		return b.String()
	}
	b.WriteString(renderRows(t, p.rows, p.cursor, p.offset, p.listHeight(), p.width))
	if p.view == capConversations {
		// Below a short conversation table, the names the capture resolved.
		room := p.listHeight() - len(p.rows) - 1
		for i, l := range p.nameLines() {
			if i >= room {
				break
			}
			b.WriteString("\n" + l)
		}
	}
	return b.String()
}

// nameLines lists DNS answers and TLS server names, the capture's evidence
// of which pool the host looked for.
func (p *capturePane) nameLines() []string {
	t := p.c.Theme
	r := p.result()
	if r == nil || len(r.DNS)+len(r.TLS) == 0 {
		return nil
	}
	lines := []string{"", t.Header.Render("Names in this capture")}
	for _, d := range r.DNS {
		lines = append(lines, "  "+t.Label.Render("DNS ")+fit(d.Name+" → "+strings.Join(d.Answers, ", "), p.width-6))
	}
	for _, h := range r.TLS {
		lines = append(lines, "  "+t.Label.Render("SNI ")+fit(fmt.Sprintf("%s  (%s → %s, frame %d)", h.SNI, h.Client, h.Server, h.Frame), p.width-6))
	}
	return lines
}

// subHeader is the column header (or the search line) of the sub-view.
func (p *capturePane) subHeader() string {
	t := p.c.Theme
	r := p.result()
	switch p.view {
	case capConversations:
		start := ""
		if p.width >= 100 {
			start = "START    "
		}
		return t.Label.Render("  " + fmt.Sprintf("%-4s %s %6s %7s %7s %s%-5s %s", "PROT", pad("CLIENT → SERVER", p.addrWidth()), "PKTS", "→ BYTES", "← BYTES", start, "FOR", "APP"))
	case capPackets:
		return t.Label.Render("  " + fmt.Sprintf("%6s %-12s %s %-5s %-4s %6s  %s", "FRAME", "TIME", pad("SRC → DST", p.addrWidth()), "PROTO", "FLAG", "LENGTH", "LAYERS / INFO"))
	case capStrings:
		if p.search.Focused() || p.search.Value() != "" {
			return clip(p.search.View()+t.Faint.Render(fmt.Sprintf("  %d matching", len(p.rows))), p.width, 1)
		}
		return t.Label.Render("  "+fmt.Sprintf("%6s %-6s %s", "FRAME", "FROM", "TEXT")) + t.Faint.Render(fmt.Sprintf("  (%d of %d strings)", len(r.Strings), r.StringsTotal))
	default:
		if p.stream < len(r.Streams) {
			s := r.Streams[p.stream]
			return t.Client.Render("→ "+safe(s.Client)) + t.Faint.Render("  ") + t.Server.Render("← "+safe(s.Server))
		}
		return t.Faint.Render("no reassembled stream in this capture")
	}
}

// renderRows draws the visible window of a list; the selected row is one
// segment in the selection style.
func renderRows(t *Theme, rows []listRow, cursor, offset, h, w int) string {
	offset = clampInt(follow(cursor, offset, h), 0, max(0, len(rows)-h))
	end := min(len(rows), offset+h)
	out := make([]string, 0, end-offset)
	for i := offset; i < end; i++ {
		// The "›" gutter marks the cursor without colour (NO_COLOR).
		if i == cursor {
			out = append(out, t.RowSelected.Render(pad("› "+rows[i].text, w)))
		} else {
			out = append(out, rows[i].style.Render(pad("  "+rows[i].text, w)))
		}
	}
	return strings.Join(out, "\n")
}
