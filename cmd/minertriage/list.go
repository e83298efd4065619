package main

import (
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

// listOptions are the flags of `list`; add new ones here and branch in
// runList.
type listOptions struct {
	asJSON    bool
	undecided bool
	stats     bool // per-signature decision counts (liststats.go)
}

func newListCmd(a *app) *cobra.Command {
	var o listOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print the alert queue",
		Long: `list prints the alert queue, newest first: each alert with the flows and captures
linked to it (flows between its two hosts in either direction or of the same
PAN-OS session; captures holding the host pair) and its latest disposition.
The store is opened read-only, so several lists can run at once; none can
run while the workbench or an import holds the store.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runList(o)
		},
	}
	cmd.Flags().BoolVar(&o.asJSON, "json", false, `print {"alerts": […]} as JSON`)
	cmd.Flags().BoolVar(&o.undecided, "undecided", false, "only alerts without a decision")
	cmd.Flags().BoolVar(&o.stats, "stats", false, "per threat signature: alerts, decided, true positives and their share")
	return cmd
}

func (a *app) runList(o listOptions) error {
	st, err := a.openStore(true)
	if err != nil {
		return err
	}
	defer st.Close()
	if o.stats {
		return a.writeStats(a.service(st), o.asJSON)
	}
	recs, err := a.service(st).Queue()
	if err != nil {
		return err
	}
	if o.undecided {
		recs = undecided(recs)
	}
	if o.asJSON {
		return writeListJSON(a.stdout, recs)
	}
	return writeListTable(a.stdout, recs)
}

// undecided keeps the alerts without a decision.
func undecided(recs []casework.AlertRecord) []casework.AlertRecord {
	out := recs[:0:0]
	for _, r := range recs {
		if r.Disposition == "" {
			out = append(out, r)
		}
	}
	return out
}

// listAlert is one alert of `list --json` (DESIGN.md contract).
type listAlert struct {
	ID          string `json:"id"`
	Time        string `json:"time"`
	Src         string `json:"src"`
	Dst         string `json:"dst"`
	SrcPort     uint16 `json:"src_port"`
	DstPort     uint16 `json:"dst_port"`
	App         string `json:"app"`
	Threat      string `json:"threat"`
	ThreatID    int64  `json:"threat_id"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Action      string `json:"action"`
	Disposition string `json:"disposition"`
	Flows       int    `json:"flows"`
	Captures    int    `json:"captures"`
}

func writeListJSON(w io.Writer, recs []casework.AlertRecord) error {
	out := struct {
		Alerts []listAlert `json:"alerts"`
	}{Alerts: make([]listAlert, 0, len(recs))}
	for _, r := range recs {
		al := r.Alert
		out.Alerts = append(out.Alerts, listAlert{
			ID: al.ID, Time: rfc3339(al.Time), Src: addrText(al.Src), Dst: addrText(al.Dst),
			SrcPort: al.SrcPort, DstPort: al.DstPort, App: al.App, Threat: al.Threat, ThreatID: al.ThreatID,
			Category: al.Category, Severity: al.Severity, Action: al.Action,
			Disposition: string(r.Disposition), Flows: r.Flows, Captures: r.Captures,
		})
	}
	return writeJSON(w, out)
}

// rfc3339 is the contract's time form: RFC 3339 with nanoseconds, UTC.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// addrText is an address without port, "" when unknown.
func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// endpoint writes 10.20.30.40:49822 or [fd00::5]:40112.
func endpoint(a netip.Addr, port uint16) string {
	if !a.IsValid() {
		return "?:" + strconv.Itoa(int(port))
	}
	return netip.AddrPortFrom(a, port).String()
}

func writeListTable(w io.Writer, recs []casework.AlertRecord) error {
	if len(recs) == 0 {
		_, err := fmt.Fprintln(w, "no alerts (import some with 'minertriage import FILE...')")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME (UTC)\tSRC → DST\tTHREAT\tAPP\tSEVERITY\tACTION\tFLOWS\tCAPTURES\tDISPOSITION")
	l := textsafe.Line
	for _, r := range recs {
		al := r.Alert
		threat := l(al.Threat)
		if al.ThreatID != 0 {
			threat += "(" + strconv.FormatInt(al.ThreatID, 10) + ")"
		}
		disp := string(r.Disposition)
		if disp == "" {
			disp = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s → %s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n",
			l(al.ID), al.Time.UTC().Format("2006-01-02 15:04:05"),
			l(endpoint(al.Src, al.SrcPort)), l(endpoint(al.Dst, al.DstPort)),
			threat, l(al.App), l(al.Severity), l(al.Action), r.Flows, r.Captures, l(disp))
	}
	return tw.Flush()
}
