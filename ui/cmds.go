package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// Messages. Results of background work carry the generation they were
// started under, so a result that arrives after the analyst moved on (or
// cancelled) is dropped instead of overwriting newer state.

// queueLoadedMsg carries the alert queue and the per-signature stats.
type queueLoadedMsg struct {
	records  []casework.AlertRecord
	haystack []string // searchable text per record, built off the UI loop
	stats    []casework.SignatureStats
	err      error
}

// analysisMsg carries the result of Analyze.
type analysisMsg struct {
	gen int
	a   *casework.Analysis
	err error
}

// notesMsg carries the markdown notes of an alert.
type notesMsg struct {
	gen int
	id  string
	md  []byte
	err error
}

// notesRenderedMsg carries the notes rendered for a width.
type notesRenderedMsg struct {
	gen   int
	width int
	text  string
}

// decidedMsg reports a recorded decision and the fresh history.
type decidedMsg struct {
	d       casework.Decision
	history []casework.Decision
	err     error
}

// exportedMsg reports where the notes were written.
type exportedMsg struct {
	path string
	err  error
}

// importStartedMsg hands the root the channel the importer reports on.
type importStartedMsg struct {
	gen int
	ch  <-chan tea.Msg
}

// importProgressMsg reports progress of the background import.
type importProgressMsg struct {
	gen         int
	file        string
	index, of   int
	read, total int64
}

// importDoneMsg ends the background import.
type importDoneMsg struct {
	gen     int
	summary []ingest.Summary
	err     error
}

// statusTimeoutMsg clears the status line if it still shows message id.
type statusTimeoutMsg struct{ id int }

// loadQueueCmd reads the queue and stats.
func loadQueueCmd(svc Service) tea.Cmd {
	return func() tea.Msg {
		recs, err := svc.Queue()
		if err != nil {
			return queueLoadedMsg{err: err}
		}
		stats, err := svc.Stats()
		// Stats are a header nicety: a failure must not hide the queue.
		if err != nil {
			stats = nil
		}
		sortNewestFirst(recs)
		hay := make([]string, len(recs))
		for i := range recs {
			hay[i] = searchText(&recs[i])
		}
		return queueLoadedMsg{records: recs, haystack: hay, stats: stats}
	}
}

// analyzeCmd runs every step for one alert under ctx.
func analyzeCmd(ctx context.Context, svc Service, gen int, id string) tea.Cmd {
	return func() tea.Msg {
		a, err := svc.Analyze(ctx, id)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		return analysisMsg{gen: gen, a: a, err: err}
	}
}

// firstLookCmd records that the analyst opened the alert; failures are not
// worth interrupting the analyst for.
func firstLookCmd(svc Service, id string) tea.Cmd {
	return func() tea.Msg {
		_ = svc.MarkFirstLook(id)
		return nil
	}
}

// notesCmd fetches the markdown notes.
func notesCmd(svc Service, gen int, id string) tea.Cmd {
	return func() tea.Msg {
		md, err := svc.Notes(context.Background(), id)
		return notesMsg{gen: gen, id: id, md: md, err: err}
	}
}

// renderNotesCmd renders markdown for a width (glamour is slow enough to
// keep out of Update).
func renderNotesCmd(gen, width int, md []byte, style string, profile termenv.Profile) tea.Cmd {
	return func() tea.Msg {
		return notesRenderedMsg{gen: gen, width: width, text: renderMarkdown(md, width, style, profile)}
	}
}

// decideCmd records a decision and reads back the history.
func decideCmd(svc Service, d casework.Decision) tea.Cmd {
	return func() tea.Msg {
		got, err := svc.Decide(d)
		if err != nil {
			return decidedMsg{err: err}
		}
		h, err := svc.History(d.AlertID)
		return decidedMsg{d: got, history: h, err: err}
	}
}

// unsafeName matches what may not appear in an export file name.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// exportFileName is case-<alert>.md with the id made safe for a path.
func exportFileName(id string) string {
	n := unsafeName.ReplaceAllString(id, "_")
	if n == "" || n == "." || n == ".." {
		n = "alert"
	}
	return "case-" + n + ".md"
}

// exportCmd writes the notes to case-<alert>.md in the working folder.
func exportCmd(svc Service, opts Options, id string) tea.Cmd {
	return func() tea.Msg {
		md, err := svc.Notes(context.Background(), id)
		if err != nil {
			return exportedMsg{err: err}
		}
		dir := opts.WorkDir
		if dir == "" {
			if dir, err = os.Getwd(); err != nil {
				return exportedMsg{err: err}
			}
		}
		path := filepath.Join(dir, exportFileName(id))
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		write := opts.WriteFile
		if write == nil {
			write = os.WriteFile
		}
		if err := write(path, md, 0o644); err != nil {
			return exportedMsg{err: err}
		}
		return exportedMsg{path: path}
	}
}

// startImportCmd imports files one after another in a goroutine that
// reports on a channel (glow's one-message-per-Cmd reader); progress is
// dropped rather than blocking the importer when the UI is busy.
func startImportCmd(ctx context.Context, imp Importer, gen int, files []string) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan tea.Msg, 8)
		go func() {
			defer close(ch)
			var sums []ingest.Summary
			for i, f := range files {
				report := func(read, total int64) {
					select {
					case ch <- importProgressMsg{gen: gen, file: filepath.Base(f), index: i, of: len(files), read: read, total: total}:
					default:
					}
				}
				report(0, 0)
				s, err := imp.Import(ctx, f, ingest.Options{Progress: report})
				if errors.Is(err, ingest.ErrDuplicateFile) {
					err = nil
				}
				if err == nil && ctx.Err() != nil {
					err = ctx.Err()
				}
				if err != nil {
					ch <- importDoneMsg{gen: gen, summary: sums, err: fmt.Errorf("%s: %w", filepath.Base(f), err)}
					return
				}
				sums = append(sums, s)
			}
			ch <- importDoneMsg{gen: gen, summary: sums}
		}()
		return importStartedMsg{gen: gen, ch: ch}
	}
}

// waitCmd reads one message from a background channel.
func waitCmd(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// statusTimeoutCmd clears status message id after d.
func statusTimeoutCmd(id int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return statusTimeoutMsg{id: id} })
}
