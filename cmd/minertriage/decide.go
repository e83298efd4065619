package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

func newDecideCmd(a *app) *cobra.Command {
	var disposition, cause, note string
	var extra []string
	cmd := &cobra.Command{
		Use:   "decide ALERT --disposition D [--cause C] [--note TEXT] [--remediation ITEM]...",
		Short: "Record a decision for an alert",
		Long: `decide appends a decision to the alert's history: earlier decisions are never
changed, so a change of mind is a new entry. The remediation checklist follows
from the disposition and cause (isolate the host, kill the miner and its
persistence, patch the exploited application, rotate exposed keys, block the
pool, look for other infected hosts); --remediation adds items to it.
The analyst is --analyst, else $USER.

Dispositions: ` + allowedNames(casework.Dispositions) + `
Causes:       ` + allowedNames(casework.Causes),
		Args: exactArgs(1, "one alert id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("disposition") {
				return usagef("decide needs --disposition, one of %s", allowedNames(casework.Dispositions))
			}
			d, err := casework.ParseDisposition(disposition)
			if err != nil {
				return usageError{err}
			}
			c, err := casework.ParseCause(cause)
			if err != nil {
				return usageError{err}
			}
			items := casework.DefaultRemediation(d, c)
			for _, x := range extra {
				x = strings.TrimSpace(x)
				if x != "" && !slices.ContainsFunc(items, func(it casework.RemediationItem) bool { return it.Action == x }) {
					items = append(items, casework.RemediationItem{Action: x})
				}
			}
			svc, done, err := a.openCase(false, intelFlags{})
			if err != nil {
				return err
			}
			defer done()
			rec, err := svc.Decide(casework.Decision{AlertID: args[0], Disposition: d, Cause: c, Note: note, Remediation: items})
			if errors.Is(err, casework.ErrInvalid) {
				return usageError{err}
			}
			if err != nil {
				return alertError(args[0], err)
			}
			return writeDecision(a, rec)
		},
	}
	f := cmd.Flags()
	f.StringVar(&disposition, "disposition", "", "the verdict: "+allowedNames(casework.Dispositions))
	f.StringVar(&cause, "cause", "", "how the miner got there: "+allowedNames(casework.Causes))
	f.StringVar(&note, "note", "", "free text kept with the decision")
	f.StringArrayVar(&extra, "remediation", nil, "add an item to the remediation checklist (repeatable)")
	return cmd
}

func writeDecision(a *app, d casework.Decision) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Recorded decision #%d for %s: %s", d.Seq, textsafe.Line(d.AlertID), d.Disposition)
	if d.Cause != "" {
		fmt.Fprintf(&b, ", cause %s", d.Cause)
	}
	fmt.Fprintf(&b, ", by %s at %s\n", textsafe.Line(d.Analyst), d.Time.UTC().Format("2006-01-02T15:04:05Z07:00"))
	for _, it := range d.Remediation {
		fmt.Fprintf(&b, "  [ ] %s\n", textsafe.Line(it.Action))
	}
	_, err := fmt.Fprint(a.stdout, b.String())
	return err
}

// allowedNames joins allowed values for help and errors.
func allowedNames[T ~string](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
