package main

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

func newDemoCmd(a *app) *cobra.Command {
	var print bool
	var in intelFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Open the workbench on the built-in demo case (temporary store)",
		Long: `demo imports the built-in demo case (a day of PAN-OS threat and traffic logs
and four captures: a clear miner, a blocked one, a false positive and an
authorised one) into a temporary store and opens the workbench on it. The
store is removed on exit. With --print it imports the case and prints the
queue instead, without a terminal (handy in CI). --authorized adds your
allow-list to the demo's; --pools and --owners work as for analyze.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if print {
				return a.printDemo(cmd.Context(), in)
			}
			return a.runWorkbench(cmd.Context(), true, in)
		},
	}
	in.register(cmd.Flags()) // --authorized adds to the demo's own allow-list
	cmd.Flags().BoolVar(&print, "print", false, "import the demo case and print the queue instead of opening the workbench")
	return cmd
}

// printDemo imports the demo case into a temporary store and prints what
// was loaded and the queue.
func (a *app) printDemo(ctx context.Context, in intelFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	d, err := a.openDemo(in)
	if err != nil {
		return err
	}
	defer d.close()
	for _, f := range d.files {
		s, err := d.svc.Import(ctx, f, ingest.Options{})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintf(a.stdout, "imported %s (%s): %d alerts, %d flows, %d captures\n",
			filepath.Base(f), s.Format, s.Alerts, s.Flows, s.Captures)
	}
	recs, err := d.svc.Queue()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n%d alerts, newest first:\n", len(recs))
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSRC → DST:PORT\tTHREAT\tACTION\tFLOWS\tCAPTURES\tID")
	for _, r := range recs {
		al := r.Alert
		fmt.Fprintf(tw, "%s\t%s → %s\t%s\t%s\t%d\t%d\t%s\n", al.Time.UTC().Format("2006-01-02 15:04:05"),
			textsafe.Line(al.Src.String()), textsafe.Line(netip.AddrPortFrom(al.Dst, al.DstPort).String()),
			textsafe.Line(al.Threat), textsafe.Line(al.Action), r.Flows, r.Captures, textsafe.Line(al.ID))
	}
	return tw.Flush()
}
