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
// background with a progress bar, and that is removed on exit). The
// intelligence files are loaded first, so a bad one is reported even
// where there is no terminal.
func (a *app) runWorkbench(ctx context.Context, demoCase bool, in intelFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	opts := ui.Options{Plain: os.Getenv("NO_COLOR") != ""}
	var svc *casework.Service
	var caseOpts casework.Options
	var err error
	if demoCase {
		d, err := a.openDemo(in)
		if err != nil {
			return err
		}
		defer d.close()
		svc, opts.Import, opts.Importer = d.svc, d.files, d.svc
	} else if caseOpts, err = a.workbenchOptions(in); err != nil {
		return err
	}
	if !isTerminal(a.stdin) || !isTerminal(a.stdout) {
		return errNoTerminal
	}
	if !demoCase {
		st, err := a.openWorkbenchStore()
		if err != nil {
			return err
		}
		defer st.Close()
		svc = casework.NewService(st, caseOpts)
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

// openWorkbenchStore opens the store as the workbench keeps it for its
// whole session: in shared mode, so list, analyze and export run beside
// it; it takes the write lock only while it records something. Opened
// only after the terminal check, so a failed start holds nothing.
func (a *app) openWorkbenchStore() (*store.Store, error) {
	path, err := a.storePathOrDefault()
	if err != nil {
		return nil, err
	}
	return store.Open(path, store.Options{Shared: true})
}

// demoCase is the demo's temporary store, its files and a Service over it.
type demoCase struct {
	dir   string
	st    *store.Store
	svc   *casework.Service
	files []string // evidence in import order
}

// workbenchOptions is the casework options of the workbench: the
// analyst, the intelligence files, and the capture detail its capture pane
// shows.
func (a *app) workbenchOptions(in intelFlags) (casework.Options, error) {
	o, err := a.caseOptions(in)
	o.CaptureDetail = true
	return o, err
}

// openDemo writes the demo case into a temporary directory and opens an
// empty store there; the caller imports the files and calls close. The
// demo's allow-list is merged with --authorized.
func (a *app) openDemo(in intelFlags) (*demoCase, error) {
	dir, err := os.MkdirTemp("", "minertriage-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: creating a temporary directory: %w", err)
	}
	d := &demoCase{dir: dir}
	if d.files, err = demo.WriteTo(dir); err != nil {
		d.close()
		return nil, err
	}
	opts, err := a.workbenchOptions(in) // --authorized errors name the analyst's file:line
	if err == nil {
		opts.Authorized, err = withDemoAllowList(filepath.Join(dir, demo.AllowList), opts.Authorized)
	}
	if err != nil {
		d.close()
		return nil, err
	}
	if d.st, err = store.Open(filepath.Join(dir, "demo.db"), store.Options{}); err != nil {
		d.close()
		return nil, err
	}
	d.svc = casework.NewService(d.st, opts)
	return d, nil
}

// withDemoAllowList loads the demo's allow-list and merges the analyst's
// (if any) after it. Every entry keeps its own file and line, so a match
// on the analyst's entry cites the analyst's file, not the demo's.
func withDemoAllowList(demoList string, user *casework.AllowList) (*casework.AllowList, error) {
	l, err := casework.LoadAllowListFile(demoList)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	l.Merge(user)
	return l, nil
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
