package flow_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// memSink keeps the flows of every import in memory.
type memSink struct{ flows []flow.Flow }

func (s *memSink) BeginImport(ingest.FileMeta) (ingest.Tx, error) { return &memTx{s: s}, nil }

type memTx struct {
	s     *memSink
	flows []flow.Flow
}

func (t *memTx) PutAlert(*alert.Alert) (bool, error)         { return true, nil }
func (t *memTx) PutFlow(f *flow.Flow) (bool, error)          { t.flows = append(t.flows, *f); return true, nil }
func (t *memTx) PutCapture(ingest.CaptureFile) (bool, error) { return true, nil }
func (t *memTx) Commit(ingest.Summary) error                 { t.s.flows = append(t.s.flows, t.flows...); return nil }
func (t *memTx) Rollback() error                             { t.flows = nil; return nil }

func importFlows(t *testing.T, path string) []flow.Flow {
	t.Helper()
	s := &memSink{}
	if _, err := ingest.ImportFile(context.Background(), path, s, ingest.Options{}); err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return s.flows
}

var (
	minerSrc = netip.MustParseAddr("10.20.30.40")
	minerDst = netip.MustParseAddr("45.9.148.21")
)

// TestScoresOnEveryNetflowSample parses the shared netflow samples (every
// format ingest reads) and scores them. The samples hold one miner session
// of about two hours (10.20.30.40 → 45.9.148.21:3333) next to ordinary
// traffic; whatever the format, the score must find that session and
// explain itself.
func TestScoresOnEveryNetflowSample(t *testing.T) {
	samples := []struct {
		file      string
		minerPair bool
	}{
		{"panos_traffic_export.csv", true},
		{"panos_8x_short.log", false},
		{"panos_real_syslog.log", false},
		{"zeek_conn.log", true},
		{"zeek_conn.json", true},
		{"zeek_conn_underscore.json", true},
		{"nfdump16.csv", true},
		{"nfdump17.csv", true},
		{"nfdump_fast.csv", true},
		{"eve_sample.json", false},
		{"eve_real_coinminer.json", false},
	}
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "testdata", "logs", s.file)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("sample missing: %v", err)
			}
			fs := importFlows(t, path)
			if len(fs) == 0 {
				t.Fatal("no flows parsed")
			}
			a := flow.NewAggregator()
			for i := range fs {
				a.Add(&fs[i])
			}
			ps := a.Pairs(flow.Options{})
			total := 0
			for _, p := range ps {
				total += p.Sessions
				checkPair(t, p)
			}
			// Every flow is one session, except that nfdump's one-way
			// records of a connection are stitched into one.
			if total != len(fs) && !strings.HasPrefix(s.file, "nfdump") || total > len(fs) || total == 0 {
				t.Errorf("pairs hold %d sessions of %d flows", total, len(fs))
			}
			for _, p := range ps {
				if p.Src == minerDst && p.Dst == minerSrc {
					t.Errorf("a reversed pool → miner pair was left: %+v", p)
				}
			}
			if !s.minerPair {
				return
			}
			var miner flow.Pair
			for _, p := range ps {
				if p.Src == minerSrc && p.Dst == minerDst {
					miner = p
				}
			}
			if miner.Sessions == 0 {
				t.Fatalf("miner pair not found in %d pairs", len(ps))
			}
			// About two hours: the long-session tier says ≥ 1 h.
			if miner.LongSession < 3600 || miner.LongSession > 3*3600 || miner.Parts.LongSession < 0.25 {
				t.Errorf("longest %v s, long-session part %.2f", miner.LongSession, miner.Parts.LongSession)
			}
			if s.file == "nfdump17.csv" && (miner.Sessions != 1 || miner.BytesReceived != 1211873) {
				t.Errorf("the pool's one-way record was not stitched in: %d sessions, %d B received", miner.Sessions, miner.BytesReceived)
			}
			if len(miner.DstPorts) != 1 || miner.DstPorts[0] != 3333 {
				t.Errorf("ports %v", miner.DstPorts)
			}
			if miner.Score < miner.Parts.LongSession || ps[0].Score < miner.Score {
				t.Errorf("score %.2f below its long-session part, or pairs not sorted", miner.Score)
			}
		})
	}
}

func checkPair(t *testing.T, p flow.Pair) {
	t.Helper()
	for _, v := range []float64{p.Score, p.Parts.Interval, p.Parts.Size, p.Parts.Histogram, p.Parts.Duration,
		p.Parts.Beacon, p.Parts.BeaconFinal, p.Parts.LongSession, p.Parts.RetryBurst} {
		if math.IsNaN(v) || v < 0 || v > 1 {
			t.Fatalf("%s→%s: score %v outside [0,1]", p.Src, p.Dst, v)
		}
	}
	// The verdict must agree with the parts it is made of.
	want := flow.VerdictIrregular
	switch {
	case p.Parts.RetryBurst >= flow.PatternThreshold:
		want = flow.VerdictRetryBurst
	case p.Parts.LongSession >= flow.PatternThreshold:
		want = flow.VerdictLongSession
	case p.Sessions < flow.MinSessions:
		want = flow.VerdictTooFew
	case p.Parts.BeaconFinal >= flow.PatternThreshold:
		want = flow.VerdictBeacon
	}
	if p.Verdict != want {
		t.Errorf("%s→%s: verdict %s, parts say %s", p.Src, p.Dst, p.Verdict, want)
	}
	if !strings.HasPrefix(p.Parts.Reasons[len(p.Parts.Reasons)-1], "verdict: "+string(p.Verdict)) {
		t.Errorf("last reason %q", p.Parts.Reasons[len(p.Parts.Reasons)-1])
	}
}

// zeekHeader is the conn.log preamble (formats.md §2.4).
const zeekHeader = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n" +
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n"

// writeZeek writes a Zeek conn.log for the miner pair. Each row is
// (start, duration, orig_bytes, resp_bytes, conn_state).
type zrow struct {
	at         time.Time
	dur        float64
	orig, resp int
	state      string
}

func writeZeek(t *testing.T, rows []zrow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(zeekHeader)
	for i, r := range rows {
		ts := float64(r.at.UnixMicro()) / 1e6
		hist, pk := "ShADadFf", 10
		if r.state == "S0" {
			hist, pk = "S", 1
		}
		fmt.Fprintf(&b, "%.6f\tC%016d\t10.20.30.40\t%d\t45.9.148.21\t14444\ttcp\t-\t%.6f\t%d\t%d\t%s\tT\tF\t0\t%s\t%d\t%d\t%d\t%d\t-\n",
			ts, i, 40000+i%20000, r.dur, r.orig, r.resp, r.state, hist, pk, r.orig+40*pk, pk, r.resp+40*pk)
	}
	path := filepath.Join(t.TempDir(), "conn.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScoresOnGeneratedZeekLogs writes the three miner behaviours and one
// benign one as real Zeek conn.log files, parses them with ingest and
// checks the verdicts end to end. (The shared samples hold too few
// sessions per pair to show a beacon or a retry burst.)
func TestScoresOnGeneratedZeekLogs(t *testing.T) {
	t0 := time.Date(2026, 5, 21, 8, 0, 0, 0, time.UTC)
	var beacon, retry, random []zrow
	for i := range 360 { // a miner reconnecting every 60 s for six hours
		beacon = append(beacon, zrow{t0.Add(time.Duration(i) * time.Minute), 0.35, 412, 188, "SF"})
	}
	for burst := range 12 { // a blocked miner: 5 unanswered SYNs 5 s apart, then a pause
		for i := range 5 {
			at := t0.Add(time.Duration(burst)*5*time.Minute + time.Duration(i)*5*time.Second)
			retry = append(retry, zrow{at, 0, 0, 0, "S0"})
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	at := t0
	for range 400 { // browsing: Poisson arrivals, random sizes
		at = at.Add(time.Duration(rng.ExpFloat64() * 45e9))
		random = append(random, zrow{at, rng.Float64() * 30, 200 + rng.IntN(50_000), 500 + rng.IntN(900_000), "SF"})
	}
	cases := []struct {
		name string
		rows []zrow
		want flow.Verdict
	}{
		{"beacon", beacon, flow.VerdictBeacon},
		{"retry", retry, flow.VerdictRetryBurst},
		{"random", random, flow.VerdictIrregular},
		{"one long session", []zrow{{t0, 12.5 * 3600, 2_400_000, 9_800_000, "SF"}}, flow.VerdictLongSession},
		{"too few", beacon[:3], flow.VerdictTooFew},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := importFlows(t, writeZeek(t, c.rows))
			if len(fs) != len(c.rows) {
				t.Fatalf("parsed %d flows of %d rows", len(fs), len(c.rows))
			}
			p := flow.AnalyzePair(fs, flow.Options{})
			checkPair(t, p)
			if p.Verdict != c.want {
				t.Fatalf("verdict %s, want %s\n%s", p.Verdict, c.want, strings.Join(p.Parts.Reasons, "\n"))
			}
			if c.want == flow.VerdictBeacon && (p.Score < 0.9 || p.IntervalMedian != 60) {
				t.Errorf("beacon score %.2f, median interval %v", p.Score, p.IntervalMedian)
			}
			if c.want == flow.VerdictIrregular && p.Score > 0.4 {
				t.Errorf("random traffic scored %.2f", p.Score)
			}
		})
	}
}
