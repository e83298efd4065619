package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/term"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/store"
	"github.com/minertriage/minertriage/testdata/demo"
	"github.com/minertriage/minertriage/ui"
)

// errNoTerminal is returned instead of starting a TUI that would hang on a
// pipe.
var errNoTerminal = errors.New("the workbench needs a terminal on stdin and stdout (in scripts use 'minertriage list' or 'minertriage demo --print')")

// runWorkbench opens the Bubble Tea workbench on the store (or, for the
// demo, on a temporary store that the demo case is imported into, in the
// background with a progress bar, and that is removed on exit).
func (a *app) runWorkbench(ctx context.Context, demoCase bool) error {
	if !isTerminal(a.stdin) || !isTerminal(a.stdout) {
		return errNoTerminal
	}
	if ctx == nil {
		ctx = context.Background()
	}
	opts := ui.Options{Plain: os.Getenv("NO_COLOR") != ""}
	var svc *casework.Service
	if demoCase {
		d, err := a.openDemo()
		if err != nil {
			return err
		}
		defer d.close()
		svc, opts.Import, opts.Importer = d.svc, d.files, d.svc
	} else {
		st, err := a.openStore(false)
		if err != nil {
			return err
		}
		defer st.Close()
		svc = casework.NewService(st, casework.Options{Analyst: a.analystName(), CaptureDetail: true})
	}
	if os.Getenv("DEBUG") != "" {
		// The TUI owns stdout: debug logs go to a file.
		if f, err := tea.LogToFile(filepath.Join(os.TempDir(), "minertriage-debug.log"), "minertriage"); err == nil {
			defer f.Close()
		}
	}
	p := tea.NewProgram(ui.New(svc, opts), tea.WithAltScreen(), tea.WithContext(ctx),
		tea.WithInput(a.stdin), tea.WithOutput(a.stdout))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("workbench: %w", err)
	}
	return nil
}

// demoCase is the demo's temporary store, its files and a Service over it.
type demoCase struct {
	dir   string
	st    *store.Store
	svc   *casework.Service
	files []string // evidence in import order
}

// openDemo writes the demo case into a temporary directory and opens an
// empty store there; the caller imports the files and calls close.
func (a *app) openDemo() (*demoCase, error) {
	dir, err := os.MkdirTemp("", "minertriage-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: creating a temporary directory: %w", err)
	}
	d := &demoCase{dir: dir}
	if d.files, err = demo.WriteTo(dir); err != nil {
		d.close()
		return nil, err
	}
	allow, err := casework.LoadAllowListFile(filepath.Join(dir, demo.AllowList))
	if err != nil {
		d.close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	if d.st, err = store.Open(filepath.Join(dir, "demo.db"), store.Options{}); err != nil {
		d.close()
		return nil, err
	}
	d.svc = casework.NewService(d.st, casework.Options{Analyst: a.analystName(), Authorized: allow, CaptureDetail: true})
	return d, nil
}

// close closes the store and removes the temporary directory.
func (d *demoCase) close() {
	if d.st != nil {
		d.st.Close()
	}
	os.RemoveAll(d.dir)
}

// isTerminal reports whether a stream is a terminal.
func isTerminal(s any) bool {
	f, ok := s.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
