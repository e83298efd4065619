package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/netip"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/intel"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

type flowsOptions struct {
	json     bool
	src, dst string
	intel    intelFlags // --pools and --owners
	top      int
}

func newFlowsCmd(a *app) *cobra.Command {
	var o flowsOptions
	cmd := &cobra.Command{
		Use:   "flows FILE...",
		Short: "Score the host pairs in netflow files without a store",
		Long: `flows reads netflow evidence (PAN-OS traffic logs, Zeek conn.log, nfdump CSV,
Suricata EVE flow records; gzip allowed), groups the flows by source and
destination, and scores each pair: beacon (RITA-style regularity), long session
(1/4/8/12 h tiers), retry burst (near-empty sessions seconds apart), with the
reason for every number. Nothing is stored.`,
		Args: minArgs(1, "at least one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runFlows(cmd, args, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print JSON: {pairs: [...]}, highest score first")
	f.StringVar(&o.src, "src", "", "only pairs from this source address")
	f.StringVar(&o.dst, "dst", "", "only pairs to this destination address")
	o.intel.registerLists(f)
	f.IntVar(&o.top, "top", 5, "how many pairs to explain in detail (text output)")
	return cmd
}

// flowsPair is one pair of `flows --json`: the contract keys (flow.Pair)
// plus what intel knows about the two hosts.
type flowsPair struct {
	flow.Pair
	SrcClass string       `json:"src_class"`
	DstClass string       `json:"dst_class"`
	Pool     *intel.Match `json:"pool,omitempty"`    // the destination is on the pool list
	Owner    *intel.Owner `json:"owner,omitempty"`   // from --owners
	Hosting  string       `json:"hosting,omitempty"` // the owner is a hosting provider
	// SameDestination counts the internal sources (this one included)
	// reaching the same destination in the data: the blast radius.
	SameDestination int `json:"same_destination"`
}

func (a *app) runFlows(cmd *cobra.Command, files []string, o flowsOptions) error {
	var src, dst netip.Addr
	var err error
	if o.src != "" {
		if src, err = netip.ParseAddr(o.src); err != nil {
			return usagef("flows: --src %q is not an IP address", o.src)
		}
	}
	if o.dst != "" {
		if dst, err = netip.ParseAddr(o.dst); err != nil {
			return usagef("flows: --dst %q is not an IP address", o.dst)
		}
	}
	if o.top < 0 {
		return usagef("flows: --top must not be negative")
	}
	pools, owners, err := o.intel.lists()
	if err != nil {
		return err
	}

	sink := newFlowSink()
	for _, path := range files {
		before := sink.offered
		sum, err := ingest.ImportFile(cmd.Context(), path, sink, ingest.Options{})
		if errors.Is(err, ingest.ErrDuplicateFile) {
			fmt.Fprintf(a.stderr, "minertriage: %s: same content as an earlier file, skipped\n", path)
			continue
		}
		if err != nil {
			return namePath(path, err)
		}
		if sink.offered == before {
			fmt.Fprintf(a.stderr, "minertriage: %s: no flow records (format %s)\n", path, sum.Format)
		}
	}

	all := sink.agg.Pairs(flow.Options{SeriesCap: -1})
	sameDst := map[netip.Addr]int{}
	for _, p := range all {
		if intel.IsInternal(p.Src) {
			sameDst[p.Dst]++
		}
	}
	out := make([]flowsPair, 0, len(all))
	for _, p := range all {
		if (src.IsValid() && p.Src != src.Unmap()) || (dst.IsValid() && p.Dst != dst.Unmap()) {
			continue
		}
		out = append(out, describePair(p, pools, owners, sameDst[p.Dst]))
	}
	if o.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Pairs []flowsPair `json:"pairs"`
		}{out})
	}
	return writeFlowsText(a.stdout, out, sink.agg.Flows(), o.top)
}

// namePath makes sure an error names the file it is about.
func namePath(path string, err error) error {
	if strings.Contains(err.Error(), path) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func describePair(p flow.Pair, pools *intel.PoolList, owners *intel.Owners, same int) flowsPair {
	fp := flowsPair{Pair: p, SrcClass: intel.Classify(p.Src).String(), DstClass: intel.Classify(p.Dst).String(), SameDestination: same}
	if m, ok := flow.MatchPair(p, pools); ok {
		fp.Pool = &m
	}
	if ow, ok := owners.Owner(p.Dst); ok {
		fp.Owner = &ow
		fp.Hosting, _ = ow.HostingProvider()
	}
	return fp
}

func writeFlowsText(w io.Writer, pairs []flowsPair, flows, top int) error {
	if len(pairs) == 0 {
		_, err := fmt.Fprintf(w, "%d flows read, no pairs to show\n", flows)
		return err
	}
	fmt.Fprintf(w, "%d flows, %d pairs shown, highest score first\n\n", flows, len(pairs))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tVERDICT\tSOURCE\tDESTINATION\tPORTS\tSESSIONS\tSENT\tRECEIVED\tINTERVAL\tSIZE\tLONGEST\tPOOL")
	for _, p := range pairs {
		pool := "-"
		if p.Pool != nil {
			pool = "yes"
		}
		interval := "-"
		if p.Sessions > 1 && p.IntervalMedian > 0 {
			interval = fmt.Sprintf("%.4g s", p.IntervalMedian)
		}
		fmt.Fprintf(tw, "%.2f\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%.0f B\t%.1f s\t%s\n",
			p.Score, p.Verdict, p.Src, p.Dst, portList(p.DstPorts, p.DstPortCount), p.Sessions,
			p.BytesSent, p.BytesReceived, interval, p.SizeMedian, p.LongSession, pool)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i, p := range pairs[:min(top, len(pairs))] {
		fmt.Fprintf(w, "\n#%d %s → %s: %s, score %.2f\n", i+1, p.Src, p.Dst, p.Verdict, p.Score)
		fmt.Fprintf(w, "  source: %s; destination: %s\n", p.SrcClass, p.DstClass)
		fmt.Fprintf(w, "  seen: %s … %s, %s\n", p.First.Format("2006-01-02T15:04:05Z07:00"), p.Last.Format("2006-01-02T15:04:05Z07:00"), plural(p.Sessions, "session"))
		if p.Pool != nil {
			fmt.Fprintf(w, "  mining pool list: %s\n", textsafe.Line(p.Pool.String()))
		}
		if p.Owner != nil {
			line := "  owner: " + textsafe.Line(p.Owner.String())
			if p.Hosting != "" {
				line += " — hosting provider (" + p.Hosting + ")"
			}
			fmt.Fprintln(w, line)
		}
		for _, port := range p.DstPorts[:min(3, len(p.DstPorts))] {
			fmt.Fprintf(w, "  port %s\n", intel.PortRole(port))
		}
		if p.SameDestination > 1 {
			fmt.Fprintf(w, "  blast radius: %d internal sources reach %s\n", p.SameDestination, p.Dst)
		}
		for _, r := range p.Parts.Reasons {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	return nil
}

func portList(ports []uint16, total int) string {
	var b strings.Builder
	for i, p := range ports[:min(4, len(ports))] {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, p)
	}
	if total > min(4, len(ports)) {
		fmt.Fprintf(&b, ",+%d", total-min(4, len(ports)))
	}
	return b.String()
}

// flowSink is an ingest.Sink that feeds every flow straight into an
// Aggregator: `flows` needs no store. Flows repeated across files (same
// endpoints, ports, protocol, start and firewall session) count once, as
// the store would count them. A file that fails aborts the whole command,
// so a rollback has nothing to undo that anyone sees.
type flowSink struct {
	agg     *flow.Aggregator
	offered int // flows the parsers gave, duplicates included
	files   map[string]bool
	seen    map[uint64]struct{} // maphash of flowKey: 8 bytes a flow, not ~100
	seed    maphash.Seed
}

type flowKey struct {
	src, dst         netip.Addr
	srcPort, dstPort uint16
	proto            string
	start            int64
	session          uint64
	serial, uid      string
}

func newFlowSink() *flowSink {
	return &flowSink{agg: flow.NewAggregator(), files: map[string]bool{}, seen: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
}

func (s *flowSink) BeginImport(meta ingest.FileMeta) (ingest.Tx, error) {
	if s.files[meta.SHA256] {
		return nil, ingest.ErrDuplicateFile
	}
	s.files[meta.SHA256] = true
	return flowTx{s}, nil
}

type flowTx struct{ s *flowSink }

func (t flowTx) PutAlert(*alert.Alert) (bool, error) { return false, nil }

func (t flowTx) PutFlow(f *flow.Flow) (bool, error) {
	t.s.offered++
	// A 64-bit hash collision (odds ~n²/2⁶⁵) would drop one flow; a set of
	// full keys would cost ~100 bytes for every flow of every file.
	k := maphash.Comparable(t.s.seed, flowKey{f.Src, f.Dst, f.SrcPort, f.DstPort, f.Proto, f.Start.UnixNano(), f.SessionID, f.Serial, f.UID})
	if _, dup := t.s.seen[k]; dup {
		return false, nil
	}
	t.s.seen[k] = struct{}{}
	t.s.agg.Add(f)
	return true, nil
}

func (t flowTx) PutCapture(ingest.CaptureFile) (bool, error) { return false, nil }
func (t flowTx) Commit(ingest.Summary) error                 { return nil }
func (t flowTx) Rollback() error                             { return nil }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
