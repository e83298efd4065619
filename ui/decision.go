package ui

import (
	"fmt"
	"github.com/charmbracelet/bubbles/cursor"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/minertriage/minertriage/investigate/casework"
)

// defaultRemediation is the checklist offered for a coin-miner case.
var defaultRemediation = []string{
	"Isolate the host from the network",
	"Kill the miner process and remove its persistence (cron, services, run keys)",
	"Block the pool address and domain at the firewall and DNS",
	"Rotate credentials and access keys exposed on the host",
	"Patch or close the way in (exposed application, weak SSH, phishing)",
	"Re-image the host if root or admin access was gained",
	"Hunt for the same pool and wallet on other hosts",
}

// causes is the order `c` cycles through.
var causes = []casework.Cause{casework.CauseUnknown, casework.CausePublicApp, casework.CauseAccessKey,
	casework.CausePhishing, casework.CauseInsider}

// decisionPane is the decision form: the latest disposition, the cause,
// the remediation checklist, a notes textarea and the append-only history.
type decisionPane struct {
	c       *Common
	history []casework.Decision
	cause   casework.Cause
	items   []casework.RemediationItem
	cursor  int // 0..len(items): the last position is the notes field
	notes   textarea.Model
	width   int
	height  int
}

func newDecisionPane(c *Common) decisionPane {
	ta := textarea.New()
	ta.Cursor.SetMode(cursor.CursorStatic) // no blink timer: calmer, and deterministic views
	ta.Placeholder = "case notes for the next decision (esc leaves the field)"
	ta.ShowLineNumbers = false
	ta.CharLimit = 4000
	ta.SetHeight(3)
	items := make([]casework.RemediationItem, len(defaultRemediation))
	for i, a := range defaultRemediation {
		items[i] = casework.RemediationItem{Action: a}
	}
	return decisionPane{c: c, notes: ta, cause: casework.CauseUnknown, items: items}
}

// set installs the history; the form starts from the latest decision.
func (p *decisionPane) set(a *casework.Analysis) {
	p.history = a.Decisions
	if n := len(p.history); n > 0 {
		last := p.history[n-1]
		if last.Cause != "" {
			p.cause = last.Cause
		}
		if len(last.Remediation) > 0 {
			p.items = append([]casework.RemediationItem(nil), last.Remediation...)
		}
	}
	p.cursor = clampInt(p.cursor, 0, len(p.items))
}

func (p *decisionPane) setSize(w, h int) {
	p.width, p.height = w, h
	p.notes.SetWidth(max(20, w-4))
}

func (p *decisionPane) inputFocused() bool { return p.notes.Focused() }

// cycleCause moves the draft cause to the next one.
func (p *decisionPane) cycleCause() casework.Cause {
	i := 0
	for j, c := range causes {
		if c == p.cause {
			i = j
		}
	}
	p.cause = causes[(i+1)%len(causes)]
	return p.cause
}

// draft is the decision the t/f/b/n keys record: the form plus the note
// typed at the prompt.
func (p *decisionPane) draft(id string, d casework.Disposition, promptNote string) casework.Decision {
	var notes []string
	for _, n := range []string{strings.TrimSpace(p.notes.Value()), strings.TrimSpace(promptNote)} {
		if n != "" {
			notes = append(notes, n)
		}
	}
	return casework.Decision{AlertID: id, Disposition: d, Cause: p.cause,
		Remediation: append([]casework.RemediationItem(nil), p.items...), Note: strings.Join(notes, "\n")}
}

// recorded clears the notes field once its text is in the history.
func (p *decisionPane) recorded() { p.notes.Reset() }

func (p decisionPane) update(km tea.KeyMsg) (decisionPane, tea.Cmd) {
	k := p.c.Keys
	if p.notes.Focused() {
		if key.Matches(km, k.Cancel) {
			p.notes.Blur()
			return p, nil
		}
		var cmd tea.Cmd
		p.notes, cmd = p.notes.Update(km)
		return p, cmd
	}
	switch {
	case key.Matches(km, k.Toggle):
		if p.cursor < len(p.items) {
			p.items[p.cursor].Done = !p.items[p.cursor].Done
		}
	case key.Matches(km, k.Open):
		if p.cursor == len(p.items) {
			return p, p.notes.Focus()
		}
		p.items[p.cursor].Done = !p.items[p.cursor].Done
	default:
		p.cursor = cursorBy(k, km, p.cursor, len(p.items)+1, len(p.items)+1)
	}
	return p, nil
}

// View implements the pane contract.
func (p decisionPane) View() string {
	t := p.c.Theme
	var lines []string
	if n := len(p.history); n > 0 {
		d := p.history[n-1]
		lines = append(lines, t.Label.Render("disposition ")+t.Disposition(d.Disposition).Render(string(d.Disposition))+
			t.Faint.Render(fmt.Sprintf("  by %s at %s (entry %d)", safe(d.Analyst), d.Time.UTC().Format("2006-01-02 15:04:05Z"), d.Seq)))
	} else {
		lines = append(lines, t.Label.Render("disposition ")+t.Faint.Render("undecided: t true positive · f false positive · b benign · n needs information"))
	}
	lines = append(lines, t.Label.Render("cause       ")+t.Text.Render(string(p.cause))+t.Faint.Render("  (c cycles)"))
	lines = append(lines, t.Header.Render("Remediation")+t.Faint.Render("  (space toggles)"))
	for i, it := range p.items {
		box := "  [ ] "
		if it.Done {
			box = "  [x] "
		}
		if i == p.cursor {
			box = "›" + box[1:]
		}
		text := pad(box+safe(it.Action), p.width)
		if i == p.cursor {
			lines = append(lines, t.RowSelected.Render(text))
		} else if it.Done {
			lines = append(lines, t.OK.Render(text))
		} else {
			lines = append(lines, t.Text.Render(text))
		}
	}
	label := "  Notes (enter to edit)"
	if p.cursor == len(p.items) {
		label = t.RowSelected.Render(pad("› Notes (enter to edit)", p.width))
	} else {
		label = t.Header.Render(label)
	}
	lines = append(lines, label, p.notes.View())
	lines = append(lines, t.Header.Render("History")+t.Faint.Render(fmt.Sprintf(" (%d entries, append-only)", len(p.history))))
	if len(p.history) == 0 {
		lines = append(lines, t.Faint.Render("no decision yet"))
	}
	room := max(1, p.height-len(lines))
	start := max(0, len(p.history)-room)
	for _, d := range p.history[start:] {
		done := 0
		for _, r := range d.Remediation {
			if r.Done {
				done++
			}
		}
		lines = append(lines, fmt.Sprintf("%2d %s %-10s %s %s %s", d.Seq, d.Time.UTC().Format("01-02 15:04"), fit(d.Analyst, 10),
			t.Disposition(d.Disposition).Render(pad(string(d.Disposition), 14)),
			t.Faint.Render(fmt.Sprintf("%-24s %d/%d done", safe(string(d.Cause)), done, len(d.Remediation))), safe(d.Note)))
	}
	return strings.Join(lines, "\n")
}
