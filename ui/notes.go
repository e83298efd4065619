package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"
	"github.com/muesli/termenv"

	"github.com/minertriage/minertriage/investigate/textsafe"
)

// notesPane previews the markdown case notes, rendered with glamour.
type notesPane struct {
	c      *Common
	gen    int    // bumped on new markdown, so older renders are dropped
	md     []byte // nil until fetched
	err    error
	text   []string // rendered lines
	width  int      // width the text was rendered for
	height int
	scroll int
}

// setMarkdown installs fetched notes and returns the render command.
func (p *notesPane) setMarkdown(md []byte, err error) tea.Cmd {
	p.gen++
	p.md, p.err, p.text = md, err, nil
	if err != nil {
		return nil
	}
	return renderNotesCmd(p.gen, p.width, md, p.c.notesStyle, p.c.profile)
}

// setRendered installs a render if it is for the current notes and width.
func (p *notesPane) setRendered(msg notesRenderedMsg) {
	if msg.gen != p.gen || msg.width != p.width {
		return
	}
	p.text = strings.Split(strings.TrimRight(msg.text, "\n"), "\n")
}

// setSize re-renders for a new width.
func (p *notesPane) setSize(w, h int) tea.Cmd {
	p.height = h
	if w == p.width {
		return nil
	}
	p.width = w
	if p.md == nil {
		return nil
	}
	p.gen++
	return renderNotesCmd(p.gen, w, p.md, p.c.notesStyle, p.c.profile)
}

func (p *notesPane) scrollKey(km tea.KeyMsg) {
	p.scroll = scrollBy(p.c.Keys, km, p.scroll, len(p.text), p.height)
}

// View implements the pane contract.
func (p notesPane) View() string {
	t := p.c.Theme
	switch {
	case p.err != nil:
		return t.Err.Render("could not build the notes: " + safe(p.err.Error()))
	case p.md == nil || p.text == nil:
		return t.Faint.Render("rendering the notes…")
	}
	off := clampInt(p.scroll, 0, max(0, len(p.text)-p.height))
	end := min(len(p.text), off+p.height)
	return strings.Join(p.text[off:end], "\n")
}

// renderMarkdown renders sanitised markdown for a width in a glamour
// standard style ("notty" emits no escape sequences); a glamour failure
// falls back to the sanitised text.
func renderMarkdown(md []byte, width int, style string, profile termenv.Profile) string {
	src := textsafe.Block(string(md))
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(max(20, width-4)),
		glamour.WithColorProfile(profile))
	if err != nil {
		return src
	}
	out, err := r.Render(src)
	if err != nil {
		return src
	}
	return out
}
