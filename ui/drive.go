package ui

import (
	"fmt"
	"reflect"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// Drive feeds msgs to m one by one and runs the commands they return
// synchronously, feeding their results back, so a scripted session ends
// in a settled model without a Program or a terminal. Timers (spinner
// frames, status expiry) are dropped, and a command that does not answer
// within wait is abandoned. cmd/shot and the tests use it.
func Drive(m Model, wait time.Duration, msgs ...tea.Msg) Model {
	m.c.scripted = true
	for _, msg := range msgs {
		m = settle(m, msg, wait, 0)
	}
	return m
}

func settle(m Model, msg tea.Msg, wait time.Duration, depth int) Model {
	if msg == nil || depth > 50 {
		return m
	}
	switch msg.(type) {
	case spinner.TickMsg, statusTimeoutMsg, cursor.BlinkMsg:
		return m
	case tea.BatchMsg:
		for _, c := range msg.(tea.BatchMsg) {
			m = settle(m, runCmd(c, wait), wait, depth+1)
		}
		return m
	case tea.QuitMsg:
		return m
	}
	switch fmt.Sprintf("%T", msg) {
	case "cursor.initialBlinkMsg":
		return m // the cursor's blink timer would only slow the script
	case "tea.sequenceMsg": // tea.Sequence: run the commands in order
		v := reflect.ValueOf(msg)
		for i := 0; i < v.Len(); i++ {
			if c, ok := v.Index(i).Interface().(tea.Cmd); ok {
				m = settle(m, runCmd(c, wait), wait, depth+1)
			}
		}
		return m
	}
	next, cmd := m.Update(msg)
	m = next.(Model)
	return settle(m, runCmd(cmd, wait), wait, depth+1)
}

// runCmd runs one command with a deadline; nil when it takes longer.
func runCmd(c tea.Cmd, wait time.Duration) tea.Msg {
	if c == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(wait):
		return nil
	}
}

// Key returns the key message for a key name as bubbles/key spells it
// ("enter", "tab", "shift+tab", "esc", "ctrl+c", "up", "space", or runes).
func Key(name string) tea.KeyMsg {
	switch name {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}
