package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/textsafe"
	"github.com/minertriage/minertriage/store"
)

// importOptions are the flags of `import`.
type importOptions struct {
	all    bool
	asJSON bool
}

func newImportCmd(a *app) *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Detect each file's format and load it",
		Long: `import detects each file's format by its content (PAN-OS threat and traffic logs as
syslog or web-UI CSV, Suricata EVE JSON, Zeek conn.log, nfdump CSV, pcap and
pcapng, plain or gzip) and loads it into the store in one transaction: a file
loads whole or not at all. A file imported before (same sha256) is reported
and skipped. Threat logs that are not coin-miner alerts are counted and
skipped unless --all is given. A bad file is reported with its line and the
other files are still imported; the exit status is then 1.`,
		Args: minArgs(1, "at least one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd.Context(), args, o)
		},
	}
	cmd.Flags().BoolVar(&o.all, "all", false, "keep threat logs that are not coin-miner alerts")
	cmd.Flags().BoolVar(&o.asJSON, "json", false, `print {"files": [summary…]} as JSON instead of one line per file`)
	return cmd
}

// importResult is one file's outcome, in the order the files were given.
type importResult struct {
	ingest.Summary
	Status string `json:"status"` // "imported", "already-imported", "failed"
	Error  string `json:"error,omitempty"`
}

func (a *app) runImport(ctx context.Context, files []string, o importOptions) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		// bbolt keeps a whole file in memory until it commits; see
		// store.ImportMemoryLimit.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(store.ImportMemoryLimit))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	st, err := a.openStore(false)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := a.service(st)
	results := make([]importResult, 0, len(files))
	failed := 0
	for _, path := range files {
		bar := newProgressBar(a.stderr, filepath.Base(path))
		sum, err := svc.Import(ctx, path, ingest.Options{All: o.all, Progress: bar.update})
		bar.done()
		if ctx.Err() != nil {
			return fmt.Errorf("import interrupted while loading %s; nothing of that file was stored", textsafe.Line(path))
		}
		r := importResult{Summary: sum, Status: "imported"}
		if r.File == "" {
			r.File = path
		}
		switch {
		case errors.Is(err, ingest.ErrDuplicateFile):
			r.Status = "already-imported"
			if !o.asJSON {
				fmt.Fprintf(a.stdout, "already imported: %s (sha256 %s)\n", textsafe.Line(path), textsafe.Line(sum.SHA256))
			}
		case err != nil:
			failed++
			r.Status, r.Error = "failed", err.Error()
			fmt.Fprintln(a.stderr, "minertriage: "+textsafe.Line(err.Error()))
		case !o.asJSON:
			fmt.Fprintln(a.stdout, summaryLine(path, sum))
			for _, w := range sum.Warnings {
				fmt.Fprintln(a.stderr, "minertriage: warning: "+textsafe.Line(w))
			}
		}
		results = append(results, r)
	}
	if o.asJSON {
		if err := writeJSON(a.stdout, struct {
			Files []importResult `json:"files"`
		}{results}); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be imported (nothing of those was stored)", failed, len(files))
	}
	return nil
}

// summaryLine is the one line printed per imported file.
func summaryLine(path string, s ingest.Summary) string {
	return fmt.Sprintf("%s: %s, read %d, stored %d, duplicates %d, skipped %d, errors %d (%d alerts, %d flows, %d captures)",
		textsafe.Line(path), textsafe.Line(string(s.Format)), s.Read, s.Stored, s.Duplicates, s.Skipped, s.Errors, s.Alerts, s.Flows, s.Captures)
}

// progressBar draws an import's progress on stderr when stderr is a
// terminal and the file is big enough to wait for; otherwise it prints
// nothing (the summary line follows on stdout either way).
type progressBar struct {
	w     io.Writer
	name  string
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

// progressMin is the smallest file that gets a bar.
const progressMin = 8 << 20

func newProgressBar(w io.Writer, name string) *progressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progressBar{}
	}
	return &progressBar{w: w, name: textsafe.Line(name)}
}

func (p *progressBar) update(read, total int64) {
	if p.w == nil || total < progressMin {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || read >= total {
		p.last = now
		p.drawn = true
		fmt.Fprintf(p.w, "\r\x1b[K%s %s", p.name, barText(read, total, 30))
	}
}

// done clears the bar so the summary line starts clean.
func (p *progressBar) done() {
	if p.w != nil && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// barText renders "[#####-----]  50%  12.0/24.0 MiB".
func barText(read, total int64, width int) string {
	if total <= 0 {
		return ""
	}
	read = min(max(read, 0), total)
	n := int(read * int64(width) / total)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '-'
		if i < n {
			bar[i] = '#'
		}
	}
	return fmt.Sprintf("[%s] %3d%%  %.1f/%.1f MiB", bar, read*100/total, float64(read)/(1<<20), float64(total)/(1<<20))
}

// writeJSON prints v as indented JSON, with every character that could
// drive a terminal escaped: encoding/json leaves DEL, the C1 controls and
// the bidi overrides raw, and JSON output often lands on a terminal. The
// \u escapes decode to the same strings, so no data changes.
func writeJSON(w io.Writer, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(escapeJSONControls(raw), '\n'))
	return err
}

// escapeJSONControls rewrites DEL, U+0080–U+009F, U+200E/F, U+202A–U+202E
// and U+2066–U+2069 in encoded JSON as \uXXXX (they only occur inside
// strings, where the escape is equivalent).
func escapeJSONControls(b []byte) []byte {
	var out []byte
	for i, r := range string(b) {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			if out == nil {
				out = append(make([]byte, 0, len(b)+16), b[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		if out != nil {
			out = append(out, string(r)...)
		}
	}
	if out == nil {
		return b
	}
	return out
}
