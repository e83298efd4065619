// Package ui is the minertriage workbench: a Bubble Tea program over the
// casework Service. It never parses evidence or touches the store; every
// piece of data comes from the Service through a tea.Cmd.
package ui

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

// Service is what the workbench needs from casework.Service, declared here
// (consumer side) so tests can pass an in-memory fake.
type Service interface {
	Queue() ([]casework.AlertRecord, error)
	Analyze(ctx context.Context, alertID string) (*casework.Analysis, error)
	Decide(d casework.Decision) (casework.Decision, error)
	History(alertID string) ([]casework.Decision, error)
	Notes(ctx context.Context, alertID string) ([]byte, error)
	Stats() ([]casework.SignatureStats, error)
	MarkFirstLook(alertID string) error
}

// Importer loads evidence files; casework.Service implements it. The
// workbench uses it to load files given at start-up (the demo case) in the
// background, with a progress bar.
type Importer interface {
	Import(ctx context.Context, path string, opts ingest.Options) (ingest.Summary, error)
}

// Options configure the workbench.
type Options struct {
	// Now is the clock (ages, the 15-minute target); tests fix it.
	Now func() time.Time
	// WorkDir is where `e` writes case-<alert>.md; default the current
	// directory.
	WorkDir string
	// Import lists files to import before the queue is shown, in order.
	Import []string
	// Importer loads them; required when Import is set.
	Importer Importer
	// WriteFile writes an export; default os.WriteFile.
	WriteFile func(path string, data []byte, perm os.FileMode) error
	// Plain renders the notes without colour. New also turns it on when
	// lipgloss has no colour profile (NO_COLOR, a dumb terminal).
	Plain bool
}

// Common is shared by every screen: theme, keys, size and dependencies.
type Common struct {
	Theme  *Theme
	Keys   *KeyMap
	Svc    Service
	Opts   Options
	Width  int
	Height int
	// notesStyle is the glamour style, chosen once in New: asking the
	// terminal for its background while the program runs would race
	// Bubble Tea for stdin.
	notesStyle string
	// profile is the terminal's colour profile, for glamour (which would
	// otherwise always emit 24-bit colour).
	profile termenv.Profile
	// scripted is set by Drive: no timers, so a script never waits.
	scripted bool
}

// now reads the injected clock.
func (c *Common) now() time.Time { return c.Opts.Now() }

// safe is the one door for untrusted text (log fields, payload strings,
// JSON values, pool names) into the view: textsafe.Line shows control
// characters and escape sequences as visible escapes.
func safe(s string) string { return textsafe.Line(s) }

// fit sanitises s, then cuts it to w cells with an ellipsis and pads it to
// exactly w cells, so table columns line up whatever the input.
func fit(s string, w int) string { return pad(ansi.Truncate(safe(s), w, "…"), w) }

// pad pads an already safe (possibly styled) string to w cells, cutting it
// when longer.
func pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// clip cuts every line of an already-rendered block to w cells and keeps at
// most h lines, padding with empty lines so panes keep their size.
func clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// clampInt keeps v within [lo, hi] (hi wins when hi < lo).
func clampInt(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}
