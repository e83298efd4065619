package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// Every screen fits the terminal: no line wider than w, no more than h
// lines, from 80×24 up.
func TestLayoutInvariants(t *testing.T) {
	sizes := [][2]int{{80, 24}, {100, 30}, {120, 40}, {140, 45}, {200, 60}}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, sz := range sizes {
		for _, sc := range screenKeys {
			w, h := sz[0], sz[1]
			m := newTestModel(t, NewFixtureService(40), w, h)
			m = keys(m, sc.keys...)
			checkFits(t, fmt.Sprintf("%s %dx%d", sc.name, w, h), m.View(), w, h)
			// Resizing after the fact re-lays out every screen.
			m = Drive(m, time.Second, tea.WindowSizeMsg{Width: w + 7, Height: h + 3})
			checkFits(t, fmt.Sprintf("%s resized %dx%d", sc.name, w+7, h+3), m.View(), w+7, h+3)
		}
	}
}

func checkFits(t *testing.T, name, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h || lipgloss.Height(v) > h {
		t.Errorf("%s: %d lines, height %d", name, len(lines), h)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Errorf("%s: line %d is %d cells wide: %q", name, i, ansi.StringWidth(l), ansi.Strip(l))
		}
	}
}

func TestTooSmall(t *testing.T) {
	for _, sz := range [][2]int{{79, 24}, {80, 23}, {40, 10}} {
		m := newTestModel(t, NewFixtureService(8), sz[0], sz[1])
		v := m.View()
		if !strings.Contains(v, "terminal too small (need 80×24") {
			t.Errorf("%v: %q", sz, v)
		}
		checkFits(t, "too small", v, sz[0], sz[1])
		// Keys other than q do nothing, q still quits.
		if m2 := keys(m, "enter"); m2.screen != queueScreen {
			t.Errorf("%v: enter acted on a too-small terminal", sz)
		}
		if _, cmd := update(m, Key("q")); cmd == nil || !isQuit(cmd) {
			t.Errorf("%v: q does not quit", sz)
		}
	}
}

// hostile is text built to retitle, clear, recolour or ring the
// terminal, with C1 controls and a bidi override.
const hostile = "evil\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b31m\u202e\x07\x1bPq\x1b\\\x00end"

func hostileAnalysis() *casework.Analysis {
	a := FixtureAnalysis(30)
	a.Alert.ID = "pan-0000"
	a.Alert.Threat = hostile
	a.Alert.URL = hostile
	a.Steps[0].Summary = hostile
	a.Steps[0].Details = append(a.Steps[0].Details, hostile)
	s := &a.Sessions[0]
	s.PoolHost, s.Login, s.Agent = hostile, hostile, hostile
	s.Algorithms = []string{hostile}
	s.Messages = append(s.Messages, stratum.Message{From: "server", Method: hostile, Raw: `{"method":"` + hostile + `"}`},
		stratum.Message{From: "server", Method: "job", Raw: `{"method":"job","params":{"blob":"\u001b]0;x\u0007"}}`})
	r := a.Captures[0].Result
	r.Strings = append([]capture.String{{Frame: 1, From: "server", Text: hostile}}, r.Strings...)
	r.DNS = append(r.DNS, capture.DNSAnswer{Name: hostile, Answers: []string{hostile}})
	r.Conversations[0].App = hostile
	r.PacketList[0].Info = hostile
	r.Streams[0].Chunks = append([]capture.StreamChunk{{From: "server", Data: []byte(hostile + "\n" + hostile)}}, r.Streams[0].Chunks...)
	a.Captures[0].Ref.Name = hostile
	return a
}

// sgrOnly matches the colour sequences lipgloss emits; nothing else may
// reach the terminal.
var sgrOnly = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	svc := NewFixtureService(8)
	svc.SetAnalysis(hostileAnalysis())
	svc.records[0].Alert.Threat = hostile
	svc.records[0].Alert.Rule = hostile
	views := map[string][]string{
		"queue": nil, "addresses": {"enter", "1"}, "application": {"enter", "2"}, "capture": {"enter", "4"},
		"packets": {"enter", "4", "l"}, "strings": {"enter", "4", "l", "l"}, "stream": {"enter", "4", "enter"},
		"stratum-msg": {"enter", "5", "G"}, "stratum-last": {"enter", "5", "G", "k"}, "notes": {"enter", "7"},
	}
	for name, ks := range views {
		m := newTestModel(t, svc, 140, 45)
		m = keys(m, ks...)
		v := m.View()
		rest := sgrOnly.ReplaceAllString(v, "")
		for i, r := range rest {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e {
				t.Errorf("%s: raw control %U at byte %d: %q", name, r, i, rest[max(0, i-20):min(len(rest), i+20)])
				break
			}
		}
		if name != "notes" && name != "queue" && !strings.Contains(rest, `\e]0;pwned`) && !strings.Contains(rest, `\e]0;x`) && !strings.Contains(rest, `\u001b]0;x`) {
			t.Errorf("%s: the hostile text is not shown escaped", name)
		}
	}
}

// NO_COLOR: termenv (under lipgloss) reports it, and the workbench then
// renders the notes without colour.
func TestNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if !termenv.EnvNoColor() {
		t.Fatal("termenv ignores NO_COLOR")
	}
	if p := termenv.NewOutput(new(strings.Builder)).EnvColorProfile(); p != termenv.Ascii {
		t.Errorf("NO_COLOR profile %v, want Ascii", p)
	}
	lipgloss.SetColorProfile(termenv.Ascii)
	m := New(NewFixtureService(8), Options{Now: fixedNow})
	if m.c.notesStyle != "notty" {
		t.Errorf("notes style %q under NO_COLOR", m.c.notesStyle)
	}
	m = Drive(m, 5*time.Second, tea.WindowSizeMsg{Width: 100, Height: 30}, m.Init()())
	m = keys(m, "enter", "7")
	if v := m.View(); strings.Contains(v, "\x1b") {
		t.Error("escape sequence in a NO_COLOR view")
	}
}
