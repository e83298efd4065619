package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// tooSmall reports whether the terminal is below 80×24.
func (m *Model) tooSmall() bool { return m.c.Width < minWidth || m.c.Height < minHeight }

// View implements tea.Model: title bar, screen, status line, help.
func (m Model) View() string {
	t := m.c.Theme
	w, h := m.c.Width, m.c.Height
	if w == 0 || h == 0 {
		return ""
	}
	if m.tooSmall() {
		msg := fmt.Sprintf("terminal too small (need %d×%d, have %d×%d)", minWidth, minHeight, w, h)
		return clip(t.Warn.Render(msg)+"\n"+t.Faint.Render("enlarge the window, or q to quit"), w, min(h, 2))
	}
	if m.fatal != nil {
		return clip(t.Err.Render("minertriage: "+safe(m.fatal.Error()))+"\n"+t.Faint.Render("press any key to quit"), w, h)
	}
	helpView := m.helpView()
	bodyH := max(1, h-2-lipgloss.Height(helpView))
	var body string
	if m.screen == caseScreen {
		body = m.cs.View()
	} else {
		body = m.queue.View()
	}
	return strings.Join([]string{m.titleBar(), clip(body, w, bodyH), m.statusLine(), clip(helpView, w, lipgloss.Height(helpView))}, "\n")
}

// titleBar names the program, the screen and the store state.
func (m *Model) titleBar() string {
	t := m.c.Theme
	left := " minertriage · " + m.screen.String()
	if m.screen == caseScreen && m.cs.a != nil {
		left += " · step " + fmt.Sprint(int(m.cs.step)+1) + " " + m.cs.step.String()
	}
	right := m.c.now().UTC().Format("2006-01-02 15:04Z") + " "
	gap := max(1, m.c.Width-lipgloss.Width(left)-lipgloss.Width(right))
	return t.TitleBar.Render(pad(left+strings.Repeat(" ", gap)+right, m.c.Width))
}

// statusLine shows the job in progress (spinner, bar, esc to cancel) or
// the last status message.
func (m *Model) statusLine() string {
	t := m.c.Theme
	w := m.c.Width
	if m.load.active {
		s := m.spin.View() + " " + m.load.label
		if m.load.total > 0 {
			pct := float64(m.load.read) / float64(m.load.total)
			s += " " + bar(t, pct, 24) + fmt.Sprintf(" %3.0f%%", pct*100)
		}
		return clip(s+t.Faint.Render("  esc or ctrl+c cancels"), w, 1)
	}
	if m.status == "" {
		return ""
	}
	if m.statusOK {
		return clip(t.OK.Render(m.status), w, 1)
	}
	return clip(t.Err.Render(m.status), w, 1)
}

// helpView renders the short or full help of the live scope.
func (m *Model) helpView() string {
	return m.help.View(helpMap{k: m.c.Keys, s: m.scope()})
}
