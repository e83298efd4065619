package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// A list cursor stays on a row; a scroll offset keeps the window full.
// Both move by the same keys (keyMove).
func TestCursorAndScrollBounds(t *testing.T) {
	k := DefaultKeyMap()
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	const n, h = 30, 10
	for _, c := range []struct {
		name         string
		km           tea.KeyMsg
		from         int
		cursor, scrl int
	}{
		{"down", tea.KeyMsg{Type: tea.KeyDown}, 5, 6, 6},
		{"up at the top", tea.KeyMsg{Type: tea.KeyUp}, 0, 0, 0},
		{"page down", tea.KeyMsg{Type: tea.KeyPgDown}, 5, 15, 15},
		{"page down near the end", tea.KeyMsg{Type: tea.KeyPgDown}, 25, 29, 20},
		{"page up", tea.KeyMsg{Type: tea.KeyPgUp}, 12, 2, 2},
		{"bottom", runes("G"), 3, 29, 20},
		{"top", tea.KeyMsg{Type: tea.KeyHome}, 17, 0, 0},
		{"other key", runes("x"), 7, 7, 7},
	} {
		if got := cursorBy(k, c.km, c.from, n, h); got != c.cursor {
			t.Errorf("%s: cursor %d → %d, want %d", c.name, c.from, got, c.cursor)
		}
		if got := scrollBy(k, c.km, c.from, n, h); got != c.scrl {
			t.Errorf("%s: scroll %d → %d, want %d", c.name, c.from, got, c.scrl)
		}
	}
	if got := scrollBy(k, runes("G"), 0, 4, h); got != 0 {
		t.Errorf("a list shorter than the window scrolled to %d", got)
	}
}
