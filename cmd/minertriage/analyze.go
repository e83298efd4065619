package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

// analystName is --analyst, else $USER, else "unknown".
func (a *app) analystName() string {
	if a.analyst != "" {
		return a.analyst
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// openCase loads the intelligence files, then opens the store (read-only
// for commands that only read, so they may run beside one another) and a
// casework service over it. The files come first: a bad one is reported
// without waiting for a store another process holds.
func (a *app) openCase(readOnly bool, in intelFlags) (*casework.Service, func(), error) {
	opts, err := a.caseOptions(in)
	if err != nil {
		return nil, nil, err
	}
	st, err := a.openStore(readOnly)
	if err != nil {
		return nil, nil, err
	}
	return casework.NewService(st, opts), func() { st.Close() }, nil
}

// readAlert runs one read-only query about an alert (Analyze, NotesJSON)
// with the intelligence files loaded, as analyze and export do; a missing
// alert is one sentence naming it.
func readAlert[T any](ctx context.Context, a *app, in intelFlags, id string, query func(*casework.Service, context.Context, string) (T, error)) (T, error) {
	var zero T
	svc, done, err := a.openCase(true, in)
	if err != nil {
		return zero, err
	}
	defer done()
	v, err := query(svc, ctx, id)
	if err != nil {
		return zero, alertError(id, err)
	}
	return v, nil
}

// alertError turns casework.ErrNotFound into one sentence naming the alert.
func alertError(id string, err error) error {
	if errors.Is(err, casework.ErrNotFound) {
		return fmt.Errorf("alert %q not found in the store (see 'minertriage list')", textsafe.Line(id))
	}
	return err
}

func newAnalyzeCmd(a *app) *cobra.Command {
	var asJSON bool
	var cf intelFlags
	cmd := &cobra.Command{
		Use:   "analyze ALERT",
		Short: "Run every step for one alert and print the findings",
		Long: `analyze runs the five investigative steps for one alert (addresses, application,
netflow, capture, stratum), prints a finding per step and the suggested verdict
with its reasons. The suggestion is never applied: record a decision with
'minertriage decide'. The pair's flows are taken from 24 h before to 24 h after
the alert. The store is opened read-only.`,
		Args: exactArgs(1, "one alert id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			an, err := readAlert(cmd.Context(), a, cf, args[0], (*casework.Service).Analyze)
			if err != nil {
				return err
			}
			if asJSON {
				return writeInertJSON(a.stdout, an)
			}
			return writeAnalysis(a.stdout, an)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print {alert, steps, suggestion} and the evidence as JSON")
	cf.register(cmd.Flags())
	return cmd
}

// writeInertJSON writes v as indented JSON whose bytes cannot drive a
// terminal: encoding/json already escapes C0 controls, and the C1 controls
// and bidirectional overrides it leaves raw are written as \u escapes too.
// The data is the same for a JSON reader.
func writeInertJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	var out strings.Builder
	out.Grow(len(b) + 1)
	for _, r := range string(b) {
		if r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c || r == 0xfeff {
			fmt.Fprintf(&out, `\u%04x`, r)
			continue
		}
		out.WriteRune(r)
	}
	out.WriteByte('\n')
	_, err = io.WriteString(w, out.String())
	return err
}

// writeAnalysis prints the findings for a person. Every evidence string
// is already sanitised in the findings; alert fields are sanitised here.
func writeAnalysis(w io.Writer, an *casework.Analysis) error {
	al := an.Alert
	l := textsafe.Line
	var b strings.Builder
	fmt.Fprintf(&b, "Alert %s  %s\n", l(al.ID), al.Time.UTC().Format("2006-01-02T15:04:05Z07:00"))
	fmt.Fprintf(&b, "  %s → %s  %s (%d)  app %s  action %s\n\n", l(fmtEndpoint(al.Src.String(), al.SrcPort)), l(fmtEndpoint(al.Dst.String(), al.DstPort)), l(al.Threat), al.ThreatID, l(al.App), l(al.Action))
	for i, f := range an.Steps {
		fmt.Fprintf(&b, "%d. %-12s %-9s %s\n", i+1, f.Step, f.Status, f.Summary)
		for _, d := range f.Details {
			fmt.Fprintf(&b, "       %s\n", d)
		}
		b.WriteString("\n")
	}
	sg := an.Suggestion
	fmt.Fprintf(&b, "Suggested: %s (%s confidence), not applied.\n", sg.Disposition, sg.Confidence)
	if sg.Cause != "" {
		fmt.Fprintf(&b, "  likely cause %s: %s\n", sg.Cause, sg.CauseReason)
	}
	for _, r := range sg.For {
		fmt.Fprintf(&b, "  + %s\n", r)
	}
	for _, r := range sg.Against {
		fmt.Fprintf(&b, "  - %s\n", r)
	}
	if len(an.Decisions) == 0 {
		cause := ""
		if sg.Cause != "" {
			cause = " --cause " + string(sg.Cause)
		}
		fmt.Fprintf(&b, "\nNot decided. Record a decision: minertriage decide %s --disposition %s%s\n", shellWord(l(al.ID)), sg.Disposition, cause)
	} else {
		b.WriteString("\nDecisions:\n")
		for _, d := range an.Decisions {
			fmt.Fprintf(&b, "  #%d %s %s by %s", d.Seq, d.Time.UTC().Format("2006-01-02T15:04:05Z07:00"), d.Disposition, l(d.Analyst))
			if d.Cause != "" {
				fmt.Fprintf(&b, ", cause %s", d.Cause)
			}
			if d.Note != "" {
				fmt.Fprintf(&b, ": %s", l(d.Note))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtEndpoint writes ip:port, bracketing IPv6.
func fmtEndpoint(ip string, port uint16) string {
	if strings.Contains(ip, ":") {
		return fmt.Sprintf("[%s]:%d", ip, port)
	}
	return fmt.Sprintf("%s:%d", ip, port)
}

// shellWord quotes an id for a command line the analyst may copy.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
