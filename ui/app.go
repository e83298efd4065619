package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Minimum terminal size; below it the workbench says so instead of
// drawing a broken layout.
const (
	minWidth  = 80
	minHeight = 24
)

// screenID is the screen on display.
type screenID int

const (
	queueScreen screenID = iota
	caseScreen
)

// String names the screen for the title bar.
func (s screenID) String() string {
	if s == caseScreen {
		return "case"
	}
	return "queue"
}

// loadState is the background job in flight (import or analysis): its
// generation, how to cancel it and how far it got.
type loadState struct {
	gen    int
	active bool
	label  string
	cancel context.CancelFunc
	read   int64
	total  int64
	ch     <-chan tea.Msg // the importer's reports, re-read one at a time
}

// Model is the root of the workbench. It routes keys (focused text field
// first, then global keys, then the active screen), sizes and background
// results, and draws the title bar, the screen, the status line and help.
type Model struct {
	c        *Common
	screen   screenID
	queue    queueModel
	cs       caseModel
	help     help.Model
	spin     spinner.Model
	load     loadState
	status   string
	statusOK bool
	statusID int
	fatal    error
}

// New builds the workbench over svc.
func New(svc Service, opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	th := DefaultTheme()
	c := &Common{Theme: th, Keys: DefaultKeyMap(), Svc: svc, Opts: opts, profile: lipgloss.ColorProfile()}
	switch {
	case opts.Plain || lipgloss.ColorProfile() == termenv.Ascii:
		c.notesStyle = "notty"
	case lipgloss.HasDarkBackground():
		c.notesStyle = "dark"
	default:
		c.notesStyle = "light"
	}
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = th.HelpKey, th.HelpKey
	h.Styles.ShortDesc, h.Styles.FullDesc = th.HelpDesc, th.HelpDesc
	h.Styles.ShortSeparator, h.Styles.FullSeparator, h.Styles.Ellipsis = th.HelpSep, th.HelpSep, th.HelpSep
	sp := spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(th.Title))
	return Model{c: c, queue: newQueue(c), cs: newCase(c), help: h, spin: sp}
}

// Init implements tea.Model: import the start-up files, else read the
// queue.
func (m Model) Init() tea.Cmd {
	if len(m.c.Opts.Import) > 0 && m.c.Opts.Importer != nil {
		return func() tea.Msg { return startImportMsg{} }
	}
	return loadQueueCmd(m.c.Svc)
}

// startImportMsg asks Update to start the start-up import (Init cannot
// change the model, and the import needs a generation and a cancel func).
type startImportMsg struct{}

// scope is the key scope live now.
func (m *Model) scope() scope {
	if m.inputFocused() {
		return scopeInput
	}
	if m.screen == caseScreen {
		return scopeCase
	}
	return scopeQueue
}

func (m *Model) inputFocused() bool {
	if m.screen == caseScreen {
		return m.cs.inputFocused()
	}
	return m.queue.inputFocused()
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.resize(msg.Width, msg.Height)
	case tea.KeyMsg:
		return m.handleKey(msg)
	case spinner.TickMsg:
		if !m.load.active {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case statusMsg:
		return m.setStatus(msg.text, !msg.err)
	case statusTimeoutMsg:
		if msg.id == m.statusID {
			m.status = ""
		}
		return m, nil
	}
	return m.handleResult(msg)
}

// handleResult applies the results of background work.
func (m Model) handleResult(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case startImportMsg:
		return m.startImport()
	case importStartedMsg:
		if msg.gen != m.load.gen {
			return m, nil
		}
		m.load.ch = msg.ch
		return m, waitCmd(msg.ch)
	case importProgressMsg:
		if msg.gen != m.load.gen || !m.load.active {
			return m, nil
		}
		label := fmt.Sprintf("importing %d/%d %s", msg.index+1, msg.of, safe(msg.file))
		if label != m.load.label { // a new file starts its own bar
			m.load.read = 0
		}
		// The bar never goes backwards within a file.
		m.load.label, m.load.read, m.load.total = label, max(m.load.read, msg.read), msg.total
		if m.load.ch == nil {
			return m, nil
		}
		return m, waitCmd(m.load.ch)
	case importDoneMsg:
		return m.importDone(msg)
	case queueLoadedMsg:
		if msg.err != nil {
			m.fatal = fmt.Errorf("reading the queue: %w", msg.err)
			return m, nil
		}
		m.queue.setRecords(msg.records, msg.haystack, msg.stats)
		return m, nil
	case openAlertMsg:
		return m.openAlert(msg.id)
	case analysisMsg:
		return m.analysisDone(msg)
	case notesMsg:
		if msg.gen != m.load.gen || msg.id != m.cs.id {
			return m, nil
		}
		return m, m.cs.notes.setMarkdown(msg.md, msg.err)
	case notesRenderedMsg:
		m.cs.notes.setRendered(msg)
		return m, nil
	case decidedMsg:
		if msg.err != nil {
			return m.setStatus("decision not recorded: "+msg.err.Error(), false)
		}
		m.cs.setHistory(msg.history)
		m.cs.decision.recorded()
		mm, cmd := m.setStatus(fmt.Sprintf("recorded %s for %s (entry %d)", msg.d.Disposition, safe(msg.d.AlertID), msg.d.Seq), true)
		m = mm.(Model)
		return m, tea.Batch(cmd, loadQueueCmd(m.c.Svc), notesCmd(m.c.Svc, m.load.gen, m.cs.id))
	case exportedMsg:
		if msg.err != nil {
			return m.setStatus("export failed: "+msg.err.Error(), false)
		}
		return m.setStatus("notes written to "+safe(msg.path), true)
	}
	return m, nil
}

// handleKey routes a key: ctrl+c, then a focused text field, then global
// keys, then the screen.
func (m Model) handleKey(km tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	if m.fatal != nil {
		return m, tea.Quit
	}
	if key.Matches(km, k.ForceQuit) {
		if m.load.active {
			return m.cancelLoad()
		}
		return m, tea.Quit
	}
	if m.tooSmall() {
		if key.Matches(km, k.Quit) {
			return m, tea.Quit
		}
		return m, nil
	}
	if m.inputFocused() {
		return m.updateScreen(km)
	}
	switch {
	case key.Matches(km, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m.resize(m.c.Width, m.c.Height)
	case key.Matches(km, k.Quit):
		return m, tea.Quit
	case key.Matches(km, k.Back):
		switch {
		case m.help.ShowAll:
			m.help.ShowAll = false
			return m.resize(m.c.Width, m.c.Height)
		case m.load.active:
			return m.cancelLoad()
		case m.screen == caseScreen:
			m.screen = queueScreen
			return m, nil
		}
		return m.updateScreen(km)
	}
	return m.updateScreen(km)
}

// updateScreen hands a message to the active screen.
func (m Model) updateScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.screen == caseScreen {
		m.cs, cmd = m.cs.update(msg)
	} else {
		m.queue, cmd = m.queue.update(msg)
	}
	return m, cmd
}

// resize stores the size and sizes every screen, not only the visible one.
func (m Model) resize(w, h int) (tea.Model, tea.Cmd) {
	m.c.Width, m.c.Height = w, h
	m.help.Width = w
	body := max(1, h-2-lipgloss.Height(m.helpView()))
	m.queue.setSize(w, body)
	return m, m.cs.setSize(w, body)
}

// startImport starts the start-up import under a fresh generation.
func (m Model) startImport() (tea.Model, tea.Cmd) {
	ctx, cancel := context.WithCancel(context.Background())
	m.load = loadState{gen: m.load.gen + 1, active: true, label: "importing", cancel: cancel}
	return m, tea.Batch(m.spin.Tick, startImportCmd(ctx, m.c.Opts.Importer, m.load.gen, m.c.Opts.Import))
}

func (m Model) importDone(msg importDoneMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.load.gen {
		return m, nil
	}
	m.load.active = false
	cmd := loadQueueCmd(m.c.Svc)
	if msg.err != nil {
		mm, st := m.setStatus("import failed: "+msg.err.Error(), false)
		return mm, tea.Batch(cmd, st)
	}
	n := 0
	for _, s := range msg.summary {
		n += s.Stored
	}
	mm, st := m.setStatus(fmt.Sprintf("imported %d files, %d records", len(msg.summary), n), true)
	return mm, tea.Batch(cmd, st)
}

// openAlert starts the analysis of an alert; an analysis still running for
// another alert is cancelled and its result will be dropped.
func (m Model) openAlert(id string) (tea.Model, tea.Cmd) {
	if m.load.cancel != nil {
		m.load.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.load = loadState{gen: m.load.gen + 1, active: true, label: "analysing " + safe(id), cancel: cancel}
	m.screen = caseScreen
	m.cs.open(id)
	return m, tea.Batch(m.spin.Tick, analyzeCmd(ctx, m.c.Svc, m.load.gen, id), firstLookCmd(m.c.Svc, id))
}

func (m Model) analysisDone(msg analysisMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.load.gen || !m.load.active {
		return m, nil
	}
	m.load.active = false
	if m.load.cancel != nil {
		m.load.cancel()
	}
	if msg.err != nil {
		m.screen = queueScreen
		if errors.Is(msg.err, context.Canceled) {
			return m.setStatus("analysis stopped", true)
		}
		return m.setStatus("analysis failed: "+msg.err.Error(), false)
	}
	m.cs.setAnalysis(msg.a)
	return m, tea.Batch(notesCmd(m.c.Svc, m.load.gen, m.cs.id), loadQueueCmd(m.c.Svc))
}

// cancelLoad stops the background job; its late result is dropped by the
// generation check.
func (m Model) cancelLoad() (tea.Model, tea.Cmd) {
	if m.load.cancel != nil {
		m.load.cancel()
	}
	what := m.load.label
	m.load = loadState{gen: m.load.gen + 1}
	if m.screen == caseScreen && m.cs.a == nil {
		m.screen = queueScreen
	}
	cmds := []tea.Cmd{}
	if strings.HasPrefix(what, "importing") {
		cmds = append(cmds, loadQueueCmd(m.c.Svc))
	}
	mm, st := m.setStatus("stopped: "+what, true)
	return mm, tea.Batch(append(cmds, st)...)
}

// setStatus shows a message that clears itself after a few seconds.
func (m Model) setStatus(text string, ok bool) (tea.Model, tea.Cmd) {
	m.statusID++
	m.status, m.statusOK = text, ok
	if m.c.scripted {
		return m, nil
	}
	return m, statusTimeoutCmd(m.statusID, 6*time.Second)
}
