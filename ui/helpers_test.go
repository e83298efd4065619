package ui

import (
	"os"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Views are compared as plain text: no colour codes in goldens.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

func fixedNow() time.Time { return FixtureNow }

// newTestModel builds the workbench over the fixtures at w×h, with the
// queue loaded.
func newTestModel(t testing.TB, svc Service, w, h int) Model {
	t.Helper()
	m := New(svc, Options{Now: fixedNow, WorkDir: t.TempDir(), Plain: true})
	return Drive(m, 5*time.Second, tea.WindowSizeMsg{Width: w, Height: h}, m.Init()())
}

// keys drives the model through key names.
func keys(m Model, names ...string) Model {
	msgs := make([]tea.Msg, len(names))
	for i, n := range names {
		msgs[i] = Key(n)
	}
	return Drive(m, 5*time.Second, msgs...)
}

// update applies one message without running its command.
func update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}
