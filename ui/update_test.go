package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/minertriage/minertriage/investigate/casework"
)

func TestQueueNavigationAndFilter(t *testing.T) {
	m := newTestModel(t, NewFixtureService(40), 120, 30)
	if got := m.queue.selectedID(); got != "pan-0000" {
		t.Fatalf("newest alert first: got %s", got)
	}
	m = keys(m, "j", "j")
	if got := m.queue.selectedID(); got != "pan-0016" {
		t.Errorf("after j j: %s", got) // third newest (every 8th is the newest row again)
	}
	m = keys(m, "G")
	if m.queue.cursor != len(m.queue.visible)-1 {
		t.Errorf("G: cursor %d of %d", m.queue.cursor, len(m.queue.visible))
	}
	m = keys(m, "/", "C", "o", "i", "n", "h")
	if !m.inputFocused() || len(m.queue.visible) != 5 {
		t.Fatalf("filter Coinh: focused=%v rows=%d", m.inputFocused(), len(m.queue.visible))
	}
	// q types into the filter instead of quitting.
	m2, cmd := update(m, Key("q"))
	if cmd != nil && isQuit(cmd) {
		t.Fatal("q in the filter quit the program")
	}
	if m2.queue.filter.Value() != "Coinhq" {
		t.Errorf("filter value %q", m2.queue.filter.Value())
	}
	m = keys(m, "esc")
	if m.queue.filter.Value() != "" || len(m.queue.visible) != 40 {
		t.Errorf("esc clears the filter: %q, %d rows", m.queue.filter.Value(), len(m.queue.visible))
	}
	m = keys(m, "u")
	for _, i := range m.queue.visible {
		if m.queue.records[i].Disposition != "" {
			t.Fatalf("undecided only shows %s", m.queue.records[i].Disposition)
		}
	}
	if len(m.queue.visible) != 20 {
		t.Errorf("undecided: %d rows, want 20", len(m.queue.visible))
	}
}

func isQuit(cmd tea.Cmd) bool {
	msg := runCmd(cmd, time.Second)
	_, ok := msg.(tea.QuitMsg)
	return ok
}

func TestCaseNavigation(t *testing.T) {
	m := newTestModel(t, NewFixtureService(8), 120, 30)
	m = keys(m, "enter")
	if m.screen != caseScreen || m.cs.a == nil || m.cs.id != "pan-0000" {
		t.Fatalf("enter opens the case: screen %v, analysis %v", m.screen, m.cs.a != nil)
	}
	if m.load.active {
		t.Error("load still active after the analysis arrived")
	}
	for i, want := range []step{stepApplication, stepNetflow} {
		m = keys(m, "tab")
		if m.cs.step != want {
			t.Errorf("tab %d: step %v", i, m.cs.step)
		}
	}
	m = keys(m, "shift+tab", "shift+tab", "shift+tab")
	if m.cs.step != stepNotes {
		t.Errorf("shift+tab wraps to notes: %v", m.cs.step)
	}
	for n := 1; n <= 7; n++ {
		m = keys(m, string(rune('0'+n)))
		if int(m.cs.step) != n-1 {
			t.Errorf("key %d: step %v", n, m.cs.step)
		}
		if !strings.Contains(m.View(), "step "+string(rune('0'+n))+" "+step(n-1).String()) {
			t.Errorf("key %d: title bar does not name the step", n)
		}
	}
	m = keys(m, "esc")
	if m.screen != queueScreen {
		t.Error("esc goes back to the queue")
	}
}

func TestDispositionKeysRecordFromAnyPane(t *testing.T) {
	for _, tc := range []struct {
		key  string
		step string
		want casework.Disposition
	}{{"t", "3", casework.TruePositive}, {"f", "1", casework.FalsePositive}, {"b", "5", casework.Benign}, {"n", "7", casework.NeedsInfo}} {
		svc := NewFixtureService(8)
		m := newTestModel(t, svc, 100, 30)
		m = keys(m, "enter", tc.step, "c", "c", tc.key)
		if !m.cs.prompt.Focused() {
			t.Fatalf("%s: no note prompt", tc.key)
		}
		// Typing q and t in the prompt neither quits nor records.
		m = keys(m, "q", "t", " ", "o", "k")
		m = keys(m, "enter")
		h, _ := svc.History("pan-0000")
		if len(h) != 1 {
			t.Fatalf("%s: history %d entries", tc.key, len(h))
		}
		d := h[0]
		if d.Disposition != tc.want || d.Note != "qt ok" || d.Cause != casework.CauseAccessKey || len(d.Remediation) != len(defaultRemediation) {
			t.Errorf("%s: recorded %+v", tc.key, d)
		}
		if len(m.cs.a.Decisions) != 1 || !strings.Contains(m.View(), "recorded "+string(tc.want)) {
			t.Errorf("%s: the view does not show the recorded decision", tc.key)
		}
		if m.queue.records[0].Disposition != tc.want && m.queue.selectedID() == "pan-0000" {
			t.Errorf("%s: queue not refreshed", tc.key)
		}
	}
}

func TestDispositionPromptEscRecordsNothing(t *testing.T) {
	svc := NewFixtureService(8)
	m := newTestModel(t, svc, 100, 30)
	m = keys(m, "enter", "t", "esc")
	if h, _ := svc.History("pan-0000"); len(h) != 0 || m.screen != caseScreen {
		t.Errorf("esc at the prompt: %d entries, screen %v", len(h), m.screen)
	}
}

func TestDecisionFormChecklistAndNotes(t *testing.T) {
	svc := NewFixtureService(8)
	m := newTestModel(t, svc, 100, 30)
	m = keys(m, "enter", "6", "space", "j", "space", "space", "G", "enter", "q", "!", "esc", "b", "enter")
	h, _ := svc.History("pan-0000")
	if len(h) != 1 {
		t.Fatalf("history %d", len(h))
	}
	r := h[0].Remediation
	if !r[0].Done || r[1].Done || h[0].Note != "q!" {
		t.Errorf("checklist %v note %q", r, h[0].Note)
	}
	if m.cs.decision.notes.Value() != "" {
		t.Error("notes field not cleared after recording")
	}
}

func TestExportWritesCaseFile(t *testing.T) {
	m := newTestModel(t, NewFixtureService(8), 100, 30)
	dir := m.c.Opts.WorkDir
	m = keys(m, "enter", "e")
	path := filepath.Join(dir, "case-pan-0000.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "# Case pan-0000") {
		t.Errorf("export content: %q", b[:40])
	}
	if !strings.Contains(m.View(), "notes written to "+path[:20]) {
		t.Errorf("status does not say where: %q", m.status)
	}
}

func TestExportFileNameIsSafe(t *testing.T) {
	for in, want := range map[string]string{"pan-0001": "case-pan-0001.md", "../../etc/x": "case-.._.._etc_x.md", "": "case-alert.md", "a b\x1b[": "case-a_b_.md"} {
		if got := exportFileName(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
		if strings.ContainsAny(exportFileName(in), "/\\") {
			t.Errorf("%q: path separator in file name", in)
		}
	}
}

// blockingService answers Analyze only when released or cancelled.
type blockingService struct {
	*FixtureService
	started chan string
	release chan struct{}
}

func (b *blockingService) Analyze(ctx context.Context, id string) (*casework.Analysis, error) {
	b.started <- id
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-b.release:
		return b.FixtureService.Analyze(ctx, id)
	}
}

func TestCancelAnalysisAndDropStale(t *testing.T) {
	svc := &blockingService{FixtureService: NewFixtureService(8), started: make(chan string, 4), release: make(chan struct{})}
	m := newTestModel(t, svc, 100, 30)
	m, cmd := update(m, openAlertMsg{id: "pan-0000"})
	if !m.load.active || cmd == nil {
		t.Fatal("opening an alert starts a background analysis")
	}
	gen := m.load.gen
	done := make(chan tea.Msg, 1)
	go func() {
		for _, c := range cmd().(tea.BatchMsg) {
			if c == nil {
				continue
			}
			go func(c tea.Cmd) {
				if msg, ok := c().(analysisMsg); ok {
					done <- msg
				}
			}(c)
		}
	}()
	<-svc.started
	// The UI keeps answering while the analysis runs.
	if !strings.Contains(m.View(), "esc or ctrl+c cancels") {
		t.Error("no progress line while analysing")
	}
	m, _ = update(m, Key("ctrl+c"))
	if m.load.active || m.load.gen == gen {
		t.Fatal("ctrl+c did not cancel the analysis")
	}
	msg := <-done
	if am := msg.(analysisMsg); am.err == nil || am.gen != gen {
		t.Fatalf("cancelled analysis returned %+v", am)
	}
	m, _ = update(m, msg)
	if m.cs.a != nil || m.screen != queueScreen || !strings.Contains(m.status, "stopped") {
		t.Errorf("stale result applied: screen %v status %q", m.screen, m.status)
	}
	// A late success from an older generation is dropped too.
	a, _ := svc.FixtureService.Analyze(context.Background(), "pan-0001")
	m, _ = update(m, analysisMsg{gen: gen, a: a})
	if m.cs.a != nil {
		t.Error("result of an old generation was applied")
	}
}

func TestEscCancelsAndOpeningAnotherAlertSupersedes(t *testing.T) {
	svc := &blockingService{FixtureService: NewFixtureService(8), started: make(chan string, 4), release: make(chan struct{})}
	m := newTestModel(t, svc, 100, 30)
	m, _ = update(m, openAlertMsg{id: "pan-0000"})
	first := m.load.gen
	m, _ = update(m, openAlertMsg{id: "pan-0001"})
	a0, _ := svc.FixtureService.Analyze(context.Background(), "pan-0000")
	m, _ = update(m, analysisMsg{gen: first, a: a0})
	if m.cs.a != nil || m.cs.id != "pan-0001" {
		t.Fatal("the first alert's analysis replaced the second")
	}
	m, _ = update(m, Key("esc"))
	if m.load.active || m.screen != queueScreen {
		t.Error("esc while analysing cancels and returns to the queue")
	}
}

func TestQuitKeys(t *testing.T) {
	m := newTestModel(t, NewFixtureService(8), 100, 30)
	if _, cmd := update(m, Key("q")); cmd == nil || !isQuit(cmd) {
		t.Error("q does not quit from the queue")
	}
	if _, cmd := update(m, Key("ctrl+c")); cmd == nil || !isQuit(cmd) {
		t.Error("ctrl+c does not quit when idle")
	}
	m = keys(m, "enter", "6", "G", "enter")
	if _, cmd := update(m, Key("q")); cmd != nil && isQuit(cmd) {
		t.Error("q in the notes textarea quit")
	}
}

func TestImportAtStartShowsProgressThenQueue(t *testing.T) {
	svc := NewFixtureService(8)
	imp := &fakeImporter{}
	m := New(svc, Options{Now: fixedNow, Import: []string{"/x/a.log", "/x/b.pcap"}, Importer: imp})
	m = Drive(m, 5*time.Second, tea.WindowSizeMsg{Width: 100, Height: 30}, m.Init()())
	if len(imp.files) != 2 || !m.queue.loaded || m.load.active {
		t.Fatalf("imported %v, queue loaded %v, active %v", imp.files, m.queue.loaded, m.load.active)
	}
	if !strings.Contains(m.status, "imported 2 files") {
		t.Errorf("status %q", m.status)
	}
	// Progress for the running generation moves the bar; another is dropped.
	m.load = loadState{gen: 7, active: true}
	m, _ = update(m, importProgressMsg{gen: 7, file: "a.log", of: 2, read: 50, total: 100})
	if !strings.Contains(m.View(), "50%") {
		t.Error("no progress bar at 50%")
	}
	m, _ = update(m, importProgressMsg{gen: 6, file: "a.log", of: 2, read: 90, total: 100})
	if strings.Contains(m.View(), "90%") {
		t.Error("stale progress applied")
	}
}
