package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

// writeStats prints `list --stats`: per threat signature, how many alerts,
// how many decided, how many true positives and their share of the
// decided, and the median time from alert to first decision.
func (a *app) writeStats(svc *casework.Service, asJSON bool) error {
	stats, err := svc.Stats()
	if err != nil {
		return err
	}
	if asJSON {
		return writeInertJSON(a.stdout, struct {
			Signatures []casework.SignatureStats `json:"signatures"`
		}{stats})
	}
	if len(stats) == 0 {
		_, err := fmt.Fprintln(a.stdout, "no alerts (import some with 'minertriage import FILE...')")
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ALERTS\tDECIDED\tTRUE POS.\tTP SHARE\tMEDIAN TO DECISION\t  SIGNATURE")
	var total casework.SignatureStats
	for _, s := range stats {
		name := textsafe.Line(s.Threat)
		if s.ThreatID != 0 {
			name += "(" + strconv.FormatInt(s.ThreatID, 10) + ")"
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t  %s\n", s.Alerts, s.Decided, s.TruePositives, tpShare(s), medianDecision(s), name)
		total.Alerts += s.Alerts
		total.Decided += s.Decided
		total.TruePositives += s.TruePositives
	}
	if len(stats) > 1 {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t\t  all signatures\n", total.Alerts, total.Decided, total.TruePositives, tpShare(total))
	}
	return tw.Flush()
}

// tpShare is the true-positive share of the decided alerts, "-" when none.
func tpShare(s casework.SignatureStats) string {
	if s.Decided == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(s.TruePositives)/float64(s.Decided))
}

// medianDecision writes the median time to decision, "-" when undecided.
func medianDecision(s casework.SignatureStats) string {
	if s.Decided == 0 {
		return "-"
	}
	sec := int64(s.MedianToDecision)
	switch {
	case sec < 0:
		return "before the alert"
	case sec < 120:
		return fmt.Sprintf("%d s", sec)
	case sec < 7200:
		return fmt.Sprintf("%d m", sec/60)
	}
	return fmt.Sprintf("%.1f h", float64(sec)/3600)
}
