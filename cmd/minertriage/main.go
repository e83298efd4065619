// Command minertriage is a terminal workbench for triaging coin-miner
// alerts. See DESIGN.md for the command-line contract: scripts rely on the
// command names, flags, JSON keys and exit statuses defined here.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit statuses (DESIGN.md): 0 success, 1 runtime error, 2 bad usage.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// usageError marks an error as the caller's mistake (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// app carries the global flags and the streams every command writes to, so
// commands are testable without touching os.Stdout.
type app struct {
	storePath string
	analyst   string
	stdout    io.Writer
	stderr    io.Writer
	stdin     io.Reader
}

func main() {
	// A closed terminal (SIGHUP) or a kill (SIGTERM) cancels the command's
	// context instead of killing the process, so an import rolls back and
	// the demo's temporary store is removed on the way out.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGHUP, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext is run with a context that cancels the command.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, stdin: stdin}
	root := newRootCmd(a)
	if args == nil {
		args = []string{} // cobra reads os.Args when given nil
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "minertriage: "+err.Error())
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitRuntime
}

func newRootCmd(a *app) *cobra.Command {
	var in intelFlags
	root := &cobra.Command{
		Use:   "minertriage",
		Short: "Triage coin-miner alerts: evidence, Stratum reconstruction, decisions, case notes",
		Long: `minertriage loads firewall alerts and the evidence around them (traffic logs,
netflow, packet captures) into a local store, runs every investigative step, and
walks the analyst through them. Without a command it opens the workbench.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runWorkbench(cmd.Context(), false, in)
		},
	}
	in.register(root.Flags()) // the workbench's own, not inherited by the commands
	root.PersistentFlags().StringVar(&a.storePath, "store", "", "store file (default $MINERTRIAGE_STORE or the user data directory)")
	root.PersistentFlags().StringVar(&a.analyst, "analyst", "", "analyst name recorded with decisions (default $USER)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%s: %w (see '%s --help')", cmd.CommandPath(), err, cmd.CommandPath())}
	})
	root.AddCommand(
		newDemoCmd(a),
		newImportCmd(a),
		newListCmd(a),
		newAnalyzeCmd(a),
		newDecideCmd(a),
		newExportCmd(a),
		newPcapCmd(a),
		newFlowsCmd(a),
		newVersionCmd(a),
	)
	return root
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s: unexpected argument %q (see '%s --help')", cmd.CommandPath(), args[0], cmd.CommandPath())
	}
	return nil
}

// exactArgs requires n positional arguments, named for the message.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s needs %s (see '%s --help')", cmd.CommandPath(), names, cmd.CommandPath())
		}
		return nil
	}
}

// minArgs requires at least n positional arguments.
func minArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s needs %s (see '%s --help')", cmd.CommandPath(), names, cmd.CommandPath())
		}
		return nil
	}
}
