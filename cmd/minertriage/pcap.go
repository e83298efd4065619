package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/stratum"
	"github.com/minertriage/minertriage/investigate/textsafe"
	"github.com/spf13/cobra"
)

// pcapOpts are the flags of `minertriage pcap`.
type pcapOpts struct {
	json      bool
	strings   int
	minString int
	packets   int
	streams   int
}

// textRows caps the tables of the readable report; --json has everything.
const textRows = 60

func newPcapCmd(a *app) *cobra.Command {
	o := &pcapOpts{}
	cmd := &cobra.Command{
		Use:   "pcap FILE",
		Short: "Analyse one capture without a store",
		Long: `Analyse one packet capture (pcap or pcapng, optionally gzip-compressed) in a
single streaming pass: conversations, DNS answers, TLS server names, readable
strings and the Stratum mining sessions reconstructed from the payloads.
A capture cut short is analysed up to where it ends (exit 0, with a warning).`,
		Args: exactArgs(1, "one capture file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runPcap(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print one JSON object (the DESIGN.md contract)")
	f.IntVar(&o.strings, "strings", capture.DefaultMaxStrings, "keep at most N payload strings (strings_total counts all)")
	f.IntVar(&o.minString, "min-string", capture.DefaultMinString, "shortest printable run reported as a string")
	f.IntVar(&o.packets, "packets", 0, "include the first N packets as packet_list in --json")
	f.IntVar(&o.streams, "streams", 0, "include up to N reassembled bytes per TCP conversation as streams in --json")
	return cmd
}

func (a *app) runPcap(cmd *cobra.Command, path string, o *pcapOpts) error {
	if o.strings < 0 || o.minString < 1 || o.packets < 0 || o.streams < 0 {
		return usagef("pcap: --strings, --packets and --streams must be >= 0 and --min-string >= 1")
	}
	opts := capture.Options{MinString: o.minString, MaxStrings: o.strings, MaxPackets: o.packets, MaxStreamBytes: o.streams}
	res, err := capture.AnalyzeFile(cmd.Context(), path, opts)
	if err != nil {
		return err
	}
	if o.strings == 0 {
		res.Strings = []capture.String{}
	}
	if o.json {
		// Streamed: the whole document at once would cost ~4× the analysis.
		return writeJSONStream(a.stdout, res)
	}
	writePcapReport(a.stdout, res)
	return nil
}

// writePcapReport prints the readable report. Every value that came from
// the capture goes through textsafe.Line.
func writePcapReport(w io.Writer, r *capture.Result) {
	span := ""
	if !r.First.IsZero() {
		span = fmt.Sprintf(", %s – %s", r.First.Format(time.RFC3339), r.Last.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "%s: %s, %s, %d packets, %d bytes%s\n", textsafe.Line(r.File), r.Format, r.LinkType, r.Packets, r.Bytes, span)
	if r.Truncated {
		fmt.Fprintln(w, "TRUNCATED: the capture ends early; what it holds is analysed.")
	}
	for _, warn := range r.Warnings {
		fmt.Fprintln(w, "warning: "+textsafe.Line(warn))
	}
	writeConversations(w, r.Conversations)
	writeSessions(w, r.Stratum)
	writeTLSSessions(w, r.StratumTLS)
	writeNames(w, r)
	writeStrings(w, r)
}

// appRank puts the conversations an analyst cares about first.
func appRank(app string) int {
	switch {
	case strings.HasPrefix(app, "stratum/"):
		return 0
	case app == "json-rpc":
		return 1
	case app == "tls":
		return 2
	case app == "http":
		return 3
	case app == "dns":
		return 4
	}
	return 5
}

func writeConversations(w io.Writer, convs []capture.Conversation) {
	fmt.Fprintf(w, "\nConversations (%d)\n", len(convs))
	fmt.Fprintf(w, "  %-28s %-28s %-5s %7s %10s %-19s %s\n", "CLIENT", "SERVER", "PROTO", "PACKETS", "BYTES", "APP", "SNI / NOTES")
	for _, i := range topConversations(convs, textRows) {
		c := &convs[i]
		notes := textsafe.Line(c.SNI)
		if c.Gaps > 0 {
			notes = strings.TrimSpace(notes + fmt.Sprintf(" %d gap(s)", c.Gaps))
		}
		fmt.Fprintf(w, "  %-28s %-28s %-5s %7d %10d %-19s %s\n", c.Client, c.Server, c.Proto, c.Packets, c.Bytes, orDash(c.App), notes)
	}
	if len(convs) > textRows {
		fmt.Fprintf(w, "  … %d more (see --json)\n", len(convs)-textRows)
	}
}

// convBefore orders the report's conversations: by appRank, then the
// biggest first.
func convBefore(a, b *capture.Conversation) bool {
	if ra, rb := appRank(a.App), appRank(b.App); ra != rb {
		return ra < rb
	}
	return a.Bytes > b.Bytes
}

// topConversations returns the indexes of the first k conversations in
// convBefore order, ties kept in capture order (a stable sort's first k).
// Only k rows are printed, so it keeps k candidates instead of copying
// and sorting every conversation: a big capture has tens of thousands
// and the full stable sort was a sixth of the report's wall time.
func topConversations(convs []capture.Conversation, k int) []int {
	if k <= 0 {
		return nil
	}
	top := make([]int, 0, min(k, len(convs)))
	for i := range convs {
		c := &convs[i]
		if len(top) == k && !convBefore(c, &convs[top[k-1]]) {
			continue
		}
		// After every kept row it does not beat: earlier rows win ties.
		at := sort.Search(len(top), func(j int) bool { return convBefore(c, &convs[top[j]]) })
		if len(top) < k {
			top = append(top, 0)
		}
		copy(top[at+1:], top[at:len(top)-1])
		top[at] = i
	}
	return top
}

func writeSessions(w io.Writer, sessions []stratum.Session) {
	fmt.Fprintf(w, "\nStratum sessions (%d)\n", len(sessions))
	if len(sessions) == 0 {
		fmt.Fprintln(w, "  none: no mining protocol in the plaintext")
	}
	for _, s := range sessions {
		head := fmt.Sprintf("  %s → %s  %s", s.Client, s.Server, textsafe.Line(string(s.Dialect)))
		if s.PoolHost != "" {
			head += "  pool " + textsafe.Line(s.PoolHost)
		}
		fmt.Fprintln(w, head)
		if s.Login != "" || s.Agent != "" {
			fmt.Fprintf(w, "    login %s  agent %s\n", orDash(textsafe.Line(s.Login)), orDash(textsafe.Line(s.Agent)))
		}
		if len(s.Algorithms) > 0 {
			fmt.Fprintf(w, "    algorithms %s\n", textsafe.Line(strings.Join(s.Algorithms, ", ")))
		}
		for i, st := range s.Steps {
			fmt.Fprintf(w, "    %d %-6s %s\n", i+1, st.Step, stepLine(st))
		}
		line := fmt.Sprintf("    shares: %d accepted, %d rejected", s.Accepted, s.Rejected)
		if len(s.RejectErrors) > 0 {
			line += " (" + textsafe.Line(strings.Join(s.RejectErrors, "; ")) + ")"
		}
		fmt.Fprintln(w, line)
	}
}

// writeTLSSessions lists Stratum over TLS: the pool by name (SNI) and why
// the conversation was flagged; nothing of the exchange can be read.
func writeTLSSessions(w io.Writer, sessions []stratum.Session) {
	fmt.Fprintf(w, "\nStratum over TLS (%d)\n", len(sessions))
	if len(sessions) == 0 {
		fmt.Fprintln(w, "  none: no TLS to a known pool or mining port")
		return
	}
	fmt.Fprintln(w, "  steps not observable; netflow is the evidence")
	for i, s := range sessions {
		if i == textRows {
			fmt.Fprintf(w, "  … %d more (see --json)\n", len(sessions)-textRows)
			break
		}
		fmt.Fprintf(w, "  %s → %s  pool %s\n", s.Client, s.Server, orDash(textsafe.Line(s.PoolHost)))
		if len(s.Steps) > 0 && s.Steps[0].Reason != "" {
			fmt.Fprintf(w, "    %s\n", textsafe.Line(s.Steps[0].Reason))
		}
	}
}

// stepLine describes one step: observed (count, first frame and time),
// inferred, or absent, with the reason when there is one.
func stepLine(st stratum.Step) string {
	var s string
	switch {
	case st.Observed:
		s = fmt.Sprintf("observed  ×%d, first in frame %d at %s (%s)", st.Count, st.Frame, st.Time.Format(time.RFC3339), textsafe.Line(st.Method))
	case st.Inferred:
		s = "inferred"
	default:
		s = "absent"
	}
	if st.Step == stratum.StepResult && st.Observed {
		s += fmt.Sprintf(": %d accepted, %d rejected", st.Accepted, st.Rejected)
	}
	if st.Reason != "" {
		s += " — " + textsafe.Line(st.Reason)
	}
	return s
}

func writeNames(w io.Writer, r *capture.Result) {
	if len(r.DNS) > 0 {
		fmt.Fprintf(w, "\nDNS answers (%d)\n", len(r.DNS))
		for i, d := range r.DNS {
			if i == textRows {
				fmt.Fprintf(w, "  … %d more (see --json)\n", len(r.DNS)-textRows)
				break
			}
			fmt.Fprintf(w, "  %s → %s\n", textsafe.Line(d.Name), strings.Join(d.Answers, ", "))
		}
	}
	if len(r.TLS) > 0 {
		fmt.Fprintf(w, "\nTLS server names (%d)\n", len(r.TLS))
		for i, h := range r.TLS {
			if i == textRows {
				fmt.Fprintf(w, "  … %d more (see --json)\n", len(r.TLS)-textRows)
				break
			}
			fmt.Fprintf(w, "  frame %-6d %s → %s  %s\n", h.Frame, h.Client, h.Server, orDash(textsafe.Line(h.SNI)))
		}
	}
}

func writeStrings(w io.Writer, r *capture.Result) {
	fmt.Fprintf(w, "\nStrings (%d found", r.StringsTotal)
	if len(r.Strings) < r.StringsTotal {
		fmt.Fprintf(w, ", %d kept", len(r.Strings))
	}
	fmt.Fprintln(w, "; repeats folded)")
	// Miners repeat themselves (getWork, keepalives): show each text once.
	type folded struct {
		s capture.String
		n int
	}
	var order []*folded
	seen := map[string]*folded{}
	for _, s := range r.Strings {
		if f := seen[s.From+"\x00"+s.Text]; f != nil {
			f.n++
			continue
		}
		f := &folded{s: s, n: 1}
		seen[s.From+"\x00"+s.Text] = f
		order = append(order, f)
	}
	for i, f := range order {
		if i == textRows {
			fmt.Fprintf(w, "  … %d more distinct (see --json)\n", len(order)-textRows)
			break
		}
		text := textsafe.Line(f.s.Text)
		if r := []rune(text); len(r) > 150 {
			text = string(r[:150]) + "…"
		}
		times := ""
		if f.n > 1 {
			times = fmt.Sprintf(" (×%d)", f.n)
		}
		fmt.Fprintf(w, "  frame %-6d %-6s %s%s\n", f.s.Frame, f.s.From, text, times)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
