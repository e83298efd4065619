package ui

import (
	"fmt"
	"github.com/charmbracelet/bubbles/cursor"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/minertriage/minertriage/investigate/casework"
)

// step is one pane of the case view, in DESIGN.md's order.
type step int

const (
	stepAddresses step = iota
	stepApplication
	stepNetflow
	stepCapture
	stepStratum
	stepDecision
	stepNotes
	numSteps
)

// String is the pane's title.
func (s step) String() string {
	return [...]string{"Addresses", "Application", "Netflow", "Capture", "Stratum", "Decision", "Notes"}[s]
}

// short is the tab label on narrow terminals.
func (s step) short() string {
	return [...]string{"Addr", "App", "Flow", "Pcap", "Stratum", "Decide", "Notes"}[s]
}

// finding is the casework step a pane shows, "" for decision and notes.
func (s step) finding() casework.StepID {
	switch s {
	case stepAddresses:
		return casework.StepAddresses
	case stepApplication:
		return casework.StepApplication
	case stepNetflow:
		return casework.StepNetflow
	case stepCapture:
		return casework.StepCapture
	case stepStratum:
		return casework.StepStratum
	}
	return ""
}

// statusMsg asks the root to show a transient status line.
type statusMsg struct {
	text string
	err  bool
}

func statusCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, err: isErr} }
}

// caseModel is the case view: a header, the step tabs and one pane.
type caseModel struct {
	c        *Common
	id       string
	a        *casework.Analysis
	step     step
	scroll   [numSteps]int
	width    int
	height   int
	netflow  netflowPane
	capture  capturePane
	stratum  stratumPane
	decision decisionPane
	notes    notesPane
	prompt   textinput.Model
	pending  casework.Disposition // disposition waiting for the note prompt
}

func newCase(c *Common) caseModel {
	p := textinput.New()
	p.Cursor.SetMode(cursor.CursorStatic) // no blink timer: calmer, and deterministic views
	p.CharLimit = 500
	p.Placeholder = "optional one-line note"
	return caseModel{
		c: c, netflow: netflowPane{c: c}, capture: newCapturePane(c), stratum: stratumPane{c: c},
		decision: newDecisionPane(c), notes: notesPane{c: c}, prompt: p,
	}
}

// open resets the view for another alert.
func (m *caseModel) open(id string) {
	*m = caseModel{c: m.c, id: id, width: m.width, height: m.height,
		netflow: netflowPane{c: m.c}, capture: newCapturePane(m.c), stratum: stratumPane{c: m.c},
		decision: newDecisionPane(m.c), notes: notesPane{c: m.c}, prompt: m.prompt, step: m.step}
	m.prompt.Reset()
	m.prompt.Blur()
	m.setSize(m.width, m.height)
}

// setAnalysis installs the result of Analyze.
func (m *caseModel) setAnalysis(a *casework.Analysis) {
	m.a = a
	m.netflow.set(a)
	m.capture.set(a)
	m.stratum.set(a)
	m.decision.set(a)
	m.setSize(m.width, m.height)
}

// paneHeight is what the pane body gets: total minus header, suggestion,
// tabs and the two lines of the finding.
func (m *caseModel) paneHeight() int { return max(1, m.height-5) }

// setSize implements the screen contract; the notes may need a re-render.
func (m *caseModel) setSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.prompt.Width = max(10, w-40)
	ph := m.paneHeight()
	m.netflow.setSize(w, ph)
	m.capture.setSize(w, ph)
	m.stratum.setSize(w, ph)
	m.decision.setSize(w, ph)
	return m.notes.setSize(w, ph)
}

// inputFocused reports whether a text field has the keys.
func (m *caseModel) inputFocused() bool {
	return m.prompt.Focused() || m.decision.inputFocused() || m.capture.inputFocused()
}

// update handles case-view keys; the root has taken the global ones.
func (m caseModel) update(msg tea.Msg) (caseModel, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if m.prompt.Focused() {
		return m.updatePrompt(km)
	}
	if m.a == nil {
		// Still analysing: only the step keys act, so a quick "enter 4"
		// lands on the capture pane when the result arrives.
		m.step = m.stepKey(km)
		return m, nil
	}
	var cmd tea.Cmd
	switch m.step {
	case stepDecision:
		if m.decision.inputFocused() {
			m.decision, cmd = m.decision.update(km)
			return m, cmd
		}
	case stepCapture:
		if m.capture.inputFocused() {
			m.capture, cmd = m.capture.update(km)
			return m, cmd
		}
	}
	k := m.c.Keys
	switch {
	case key.Matches(km, k.NextStep), key.Matches(km, k.PrevStep), key.Matches(km, k.Step):
		m.step = m.stepKey(km)
	case key.Matches(km, k.TruePos):
		return m.ask(casework.TruePositive)
	case key.Matches(km, k.FalsePos):
		return m.ask(casework.FalsePositive)
	case key.Matches(km, k.Benign):
		return m.ask(casework.Benign)
	case key.Matches(km, k.NeedsInfo):
		return m.ask(casework.NeedsInfo)
	case key.Matches(km, k.Cause):
		c := m.decision.cycleCause()
		return m, statusCmd("cause: "+string(c)+" (recorded with the next t/f/b/n)", false)
	case key.Matches(km, k.Export):
		// In sequence, so "exporting" cannot land after "written".
		return m, tea.Sequence(statusCmd("exporting notes…", false), exportCmd(m.c.Svc, m.c.Opts, m.id))
	default:
		return m.updatePane(km)
	}
	return m, nil
}

// stepKey returns the step a key moves to (the current one for other
// keys).
func (m *caseModel) stepKey(km tea.KeyMsg) step {
	k := m.c.Keys
	switch {
	case key.Matches(km, k.NextStep):
		return (m.step + 1) % numSteps
	case key.Matches(km, k.PrevStep):
		return (m.step + numSteps - 1) % numSteps
	case key.Matches(km, k.Step):
		return step(km.Runes[0] - '1')
	}
	return m.step
}

// updatePane hands a key to the pane on screen.
func (m caseModel) updatePane(km tea.KeyMsg) (caseModel, tea.Cmd) {
	var cmd tea.Cmd
	switch m.step {
	case stepNetflow:
		m.netflow.scrollKey(km)
	case stepCapture:
		m.capture, cmd = m.capture.update(km)
	case stepStratum:
		m.stratum.update(km)
	case stepDecision:
		m.decision, cmd = m.decision.update(km)
	case stepNotes:
		m.notes.scrollKey(km)
	default:
		m.scroll[m.step] = scrollBy(m.c.Keys, km, m.scroll[m.step], len(m.textLines(m.step)), m.paneHeight())
	}
	return m, cmd
}

// scrollBy moves a scroll offset for a list of n lines in a window of h,
// kept so the window stays full.
func scrollBy(k *KeyMap, km tea.KeyMsg, off, n, h int) int {
	return clampInt(keyMove(k, km, off, n, h), 0, max(0, n-h))
}

// keyMove applies a movement key to a position in n lines shown h at a
// time, unclamped: a cursor and a scroll offset differ only in their
// bounds.
func keyMove(k *KeyMap, km tea.KeyMsg, pos, n, h int) int {
	switch {
	case key.Matches(km, k.Up):
		pos--
	case key.Matches(km, k.Down):
		pos++
	case key.Matches(km, k.PageUp):
		pos -= h
	case key.Matches(km, k.PageDown):
		pos += h
	case key.Matches(km, k.Top):
		pos = 0
	case key.Matches(km, k.Bottom):
		pos = n
	}
	return pos
}

// ask opens the one-line note prompt for a disposition.
func (m caseModel) ask(d casework.Disposition) (caseModel, tea.Cmd) {
	m.pending = d
	m.prompt.Reset()
	m.prompt.Prompt = string(d) + " · note (enter records, esc cancels): "
	return m, m.prompt.Focus()
}

// updatePrompt edits the note prompt; enter records the decision.
func (m caseModel) updatePrompt(km tea.KeyMsg) (caseModel, tea.Cmd) {
	k := m.c.Keys
	switch {
	case key.Matches(km, k.Cancel):
		m.prompt.Blur()
		m.pending = ""
		return m, statusCmd("not recorded", false)
	case key.Matches(km, k.Accept):
		m.prompt.Blur()
		d := m.decision.draft(m.id, m.pending, m.prompt.Value())
		m.pending = ""
		return m, decideCmd(m.c.Svc, d)
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(km)
	return m, cmd
}

// setHistory installs a fresh decision history after Decide.
func (m *caseModel) setHistory(h []casework.Decision) {
	if m.a == nil {
		return
	}
	m.a.Decisions = h
	m.decision.set(m.a)
}

// findingFor returns the pane's finding, if the analysis has one.
func (m *caseModel) findingFor(s step) *casework.Finding {
	if m.a == nil || s.finding() == "" {
		return nil
	}
	for i := range m.a.Steps {
		if m.a.Steps[i].Step == s.finding() {
			return &m.a.Steps[i]
		}
	}
	return nil
}

// View renders the header, the tabs, the pane title and the pane.
func (m caseModel) View() string {
	t := m.c.Theme
	if m.a == nil {
		return t.Faint.Render("analysing alert " + safe(m.id) + "…")
	}
	var b strings.Builder
	b.WriteString(clip(m.headerLine(), m.width, 1) + "\n")
	b.WriteString(clip(m.suggestionLine(), m.width, 1) + "\n")
	b.WriteString(clip(m.tabs(), m.width, 1) + "\n")
	// The finding's summary is the point of the pane: it wraps to a second
	// line rather than being cut.
	b.WriteString(clip(ansi.Wrap(m.titleLine(), m.width, " "), m.width, 2) + "\n")
	b.WriteString(clip(m.pane(), m.width, m.paneHeight()))
	return b.String()
}

func (m *caseModel) headerLine() string {
	t := m.c.Theme
	a := &m.a.Alert
	disp := "undecided"
	var last casework.Disposition
	if n := len(m.a.Decisions); n > 0 {
		last = m.a.Decisions[n-1].Disposition
		disp = string(last)
	}
	return t.Title.Render(safe(endpoints(a))) + "  " + t.Text.Render(safe(a.Threat)) + "  " +
		t.Severity(a.Severity).Render(safe(a.Severity)) + "  " + t.Faint.Render(safe(a.Action)+" · "+a.Time.UTC().Format("2006-01-02 15:04:05Z")) +
		"  " + t.Disposition(last).Render("["+disp+"]")
}

func (m *caseModel) suggestionLine() string {
	t := m.c.Theme
	s := m.a.Suggestion
	if s.Disposition == "" {
		return t.Faint.Render("suggestion: none")
	}
	line := t.Label.Render("suggested: ") + t.Disposition(s.Disposition).Render(string(s.Disposition)) +
		t.Faint.Render(fmt.Sprintf(" (%s; %d for, %d against) · you decide: t f b n", safe(s.Confidence), len(s.For), len(s.Against)))
	return line
}

// tabs draws the step tabs; a tab's number is coloured by its finding.
func (m *caseModel) tabs() string {
	t := m.c.Theme
	var parts []string
	for s := step(0); s < numSteps; s++ {
		label := s.String()
		if m.width < 100 {
			label = s.short()
		}
		mark := ""
		if f := m.findingFor(s); f != nil {
			mark = statusMark(f.Status)
		}
		text := fmt.Sprintf("%d %s%s", s+1, label, mark)
		if s == m.step {
			parts = append(parts, t.TabActive.Render(text))
		} else {
			parts = append(parts, t.Tab.Render(text))
		}
	}
	return strings.Join(parts, "")
}

// statusMark is a one-character hint of a finding's status on its tab
// (colour alone must not carry meaning).
func statusMark(s casework.Status) string {
	switch s {
	case casework.StatusSupports:
		return " +"
	case casework.StatusAgainst:
		return " -"
	case casework.StatusNeutral:
		return " ~"
	}
	return " ?"
}

func (m *caseModel) titleLine() string {
	t := m.c.Theme
	if f := m.findingFor(m.step); f != nil {
		return t.Badge(f.Status) + " " + t.Text.Render(safe(f.Summary))
	}
	switch m.step {
	case stepDecision:
		return t.Header.Render("Decision") + t.Faint.Render("  t f b n record · c cause · space toggles · enter edits the note")
	case stepNotes:
		return t.Header.Render("Case notes") + t.Faint.Render("  e writes "+exportFileName(m.id))
	}
	return t.BadgeMissing.Render("MISSING") + t.Faint.Render(" this step has no finding")
}

// pane renders the body of the current step.
func (m *caseModel) pane() string {
	if m.prompt.Focused() {
		return m.prompt.View() + "\n" + m.paneBody()
	}
	return m.paneBody()
}

func (m *caseModel) paneBody() string {
	switch m.step {
	case stepNetflow:
		return m.netflow.View()
	case stepCapture:
		return m.capture.View()
	case stepStratum:
		return m.stratum.View()
	case stepDecision:
		return m.decision.View()
	case stepNotes:
		return m.notes.View()
	}
	lines := m.textLines(m.step)
	off := clampInt(m.scroll[m.step], 0, max(0, len(lines)-m.paneHeight()))
	end := min(len(lines), off+m.paneHeight())
	return strings.Join(lines[off:end], "\n")
}

// wrapLines sanitises s and wraps it to w cells, indenting continuations.
func wrapLines(s string, w int, indent string) []string {
	out := strings.Split(ansi.Wrap(safe(s), max(10, w-len(indent)), " ,/"), "\n")
	for i := 1; i < len(out); i++ {
		out[i] = indent + out[i]
	}
	return out
}
