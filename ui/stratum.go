package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// stratumPane shows one reconstructed mining session: the four steps as a
// timeline, the messages, and the selected message pretty-printed. The
// pair's Stratum-over-TLS sessions (Analysis.TLSSessions) follow the
// plaintext ones, shown as such: the pool, and the steps not observable.
type stratumPane struct {
	c        *Common
	sessions []stratum.Session
	idx      int
	cursor   int
	offset   int
	width    int
	height   int
}

func (p *stratumPane) set(a *casework.Analysis) {
	p.sessions = append(append([]stratum.Session(nil), a.Sessions...), a.TLSSessions...)
	p.idx, p.cursor, p.offset = 0, 0, 0
}

func (p *stratumPane) setSize(w, h int) { p.width, p.height = w, h }

// listHeight is the rows given to the message list.
func (p *stratumPane) listHeight() int { return max(3, (p.height-8)/2) }

func (p *stratumPane) update(km tea.KeyMsg) {
	k := p.c.Keys
	switch {
	case key.Matches(km, k.PrevItem):
		if len(p.sessions) > 0 {
			p.idx = (p.idx + len(p.sessions) - 1) % len(p.sessions)
			p.cursor, p.offset = 0, 0
		}
	case key.Matches(km, k.NextItem):
		if len(p.sessions) > 0 {
			p.idx = (p.idx + 1) % len(p.sessions)
			p.cursor, p.offset = 0, 0
		}
	default:
		if len(p.sessions) == 0 {
			return
		}
		n := len(p.sessions[p.idx].Messages)
		p.cursor = cursorBy(k, km, p.cursor, n, p.listHeight())
		p.offset = follow(p.cursor, p.offset, p.listHeight())
	}
}

// View implements the pane contract.
func (p stratumPane) View() string {
	t := p.c.Theme
	if len(p.sessions) == 0 {
		return t.Faint.Render("no Stratum session reconstructed: a capture of the alert's pair is needed\n(and the session must not be TLS-encrypted).")
	}
	s := &p.sessions[p.idx]
	if s.TLS {
		return p.tlsView(s)
	}
	var lines []string
	lines = append(lines, t.Text.Render(fmt.Sprintf("session %d/%d: %s  %s → %s", p.idx+1, len(p.sessions), safe(string(s.Dialect)), safe(s.Client), safe(s.Server)))+
		t.Faint.Render("  [ ] session"))
	lines = append(lines, t.Label.Render("pool ")+t.Text.Render(safe(s.PoolHost))+t.Label.Render("  login ")+t.Text.Render(safe(s.Login))+
		t.Label.Render("  agent ")+t.Text.Render(safe(s.Agent))+t.Label.Render("  algo ")+t.Text.Render(safe(strings.Join(s.Algorithms, ","))))
	lines = append(lines, p.timeline(s)...)
	lines = append(lines, t.Faint.Render(fmt.Sprintf("accepted %d · rejected %d · keepalives %d · jobs %d · difficulty %.0f · height %d",
		s.Accepted, s.Rejected, s.Keepalives, len(s.JobIDs), s.Difficulty, s.Height)))
	lines = append(lines, t.Header.Render("Messages")+t.Faint.Render(fmt.Sprintf(" (%d of %d) j/k select", len(s.Messages), s.MessagesTotal)))
	rows := make([]listRow, len(s.Messages))
	for i, m := range s.Messages {
		st, mark := t.Client, "→"
		if m.From == "server" {
			st, mark = t.Server, "←"
		}
		rows[i] = listRow{style: st, text: fmt.Sprintf("%6d %s %s %s id=%s  %s", m.Frame, m.Time.UTC().Format("15:04:05.000"), mark,
			fit(m.Method, 14), fit(string(m.ID), 6), safe(m.Raw))}
	}
	if len(rows) > 0 {
		lines = append(lines, renderRows(t, rows, p.cursor, p.offset, p.listHeight(), p.width))
		lines = append(lines, t.Header.Render("Selected message"))
		lines = append(lines, prettyJSON(s.Messages[clampInt(p.cursor, 0, len(rows)-1)].Raw)...)
	}
	return strings.Join(lines, "\n")
}

// tlsView shows a Stratum-over-TLS session: nothing of the exchange can be
// read, so the pool, the absent steps with the reason, and where to look.
func (p stratumPane) tlsView(s *stratum.Session) string {
	t := p.c.Theme
	pool := s.PoolHost
	if pool == "" {
		pool = "(no name: flagged by address or port)"
	}
	lines := []string{
		t.Text.Render(fmt.Sprintf("session %d/%d: Stratum over TLS  %s → %s", p.idx+1, len(p.sessions), safe(s.Client), safe(s.Server))) +
			t.Faint.Render("  [ ] session"),
		t.Label.Render("pool ") + t.Text.Render(safe(pool)),
		t.Warn.Render("Stratum over TLS: the steps cannot be observed in the capture; netflow is the evidence"),
	}
	// The steps share one reason, printed once in full below the timeline.
	bare := *s
	bare.Steps = append([]stratum.Step(nil), s.Steps...)
	for i := range bare.Steps {
		bare.Steps[i].Reason = ""
	}
	lines = append(lines, p.timeline(&bare)...)
	if len(s.Steps) > 0 && s.Steps[0].Reason != "" {
		lines = append(lines, "")
		for _, w := range wrapLines(s.Steps[0].Reason, p.width, "") { // wrapLines sanitises
			lines = append(lines, t.Faint.Render(w))
		}
	}
	return strings.Join(lines, "\n")
}

// timeline draws the four steps side by side: observed, inferred or
// absent, with counts, time and frame.
func (p *stratumPane) timeline(s *stratum.Session) []string {
	t := p.c.Theme
	colW := max(16, (p.width-2)/4)
	var l1, l2, l3 []string
	for i, st := range s.Steps {
		if i >= 4 {
			break
		}
		mark, state, style := "○", "absent", t.Faint
		switch {
		case st.Observed:
			mark, state, style = "●", fmt.Sprintf("observed ×%d", st.Count), t.OK
		case st.Inferred:
			mark, state, style = "◐", "inferred", t.Warn
		}
		name := fmt.Sprintf("%s %d %s", mark, i+1, st.Step)
		arrow := ""
		if i < 3 {
			arrow = " ──▶"
		}
		l1 = append(l1, style.Render(pad(name+arrow, colW)))
		detail := state
		if st.Step == stratum.StepResult && st.Observed {
			detail += fmt.Sprintf(" ✓%d ✗%d", st.Accepted, st.Rejected)
		}
		l2 = append(l2, style.Render(pad(detail, colW)))
		when := ""
		if !st.Time.IsZero() {
			when = st.Time.UTC().Format("15:04:05") + fmt.Sprintf(" #%d ", st.Frame)
		}
		if st.Method != "" {
			when += st.Method
		} else if st.Reason != "" {
			when += st.Reason
		}
		l3 = append(l3, t.Faint.Render(fit(when, colW-1)+" "))
	}
	return []string{strings.Join(l1, ""), strings.Join(l2, ""), strings.Join(l3, "")}
}

// prettyJSON indents a raw JSON-RPC message; each output line goes through
// the sanitiser (a JSON string may carry \u001b escapes, which are text, but
// a malformed message is shown sanitised as received).
func prettyJSON(raw string) []string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(raw), "", "  "); err != nil {
		return []string{safe(raw)}
	}
	lines := strings.Split(buf.String(), "\n")
	for i := range lines {
		lines[i] = safe(lines[i])
	}
	return lines
}
