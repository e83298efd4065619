package flow

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"
)

var (
	miner = netip.MustParseAddr("10.20.30.40")
	pool  = netip.MustParseAddr("45.9.148.21")
	t0    = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
)

func mk(start time.Time, dur time.Duration, sent, recv uint64) Flow {
	return Flow{Src: miner, Dst: pool, SrcPort: 49822, DstPort: 14444, Proto: "tcp",
		Start: start, Duration: dur, BytesSent: sent, BytesReceived: recv, Action: "allow"}
}

// checkParts asserts the invariants every analysis must keep.
func checkParts(t *testing.T, p Pair) {
	t.Helper()
	vals := map[string]float64{
		"score": p.Score, "interval_skew": p.Parts.IntervalSkew, "interval_mad": p.Parts.IntervalMAD,
		"interval": p.Parts.Interval, "size_skew": p.Parts.SizeSkew, "size_mad": p.Parts.SizeMAD,
		"size": p.Parts.Size, "histogram": p.Parts.Histogram, "duration": p.Parts.Duration,
		"beacon": p.Parts.Beacon, "beacon_final": p.Parts.BeaconFinal,
		"long_session": p.Parts.LongSession, "retry_burst": p.Parts.RetryBurst,
	}
	for k, v := range vals {
		if math.IsNaN(v) || v < 0 || v > 1 {
			t.Fatalf("%s = %v, outside [0,1]", k, v)
		}
	}
	for _, v := range []float64{p.IntervalMedian, p.SizeMedian, p.LongSession} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("summary value %v not a finite non-negative number", v)
		}
	}
	if len(p.Parts.Reasons) < 8 {
		t.Fatalf("want a reason per part, got %d: %q", len(p.Parts.Reasons), p.Parts.Reasons)
	}
	switch p.Verdict {
	case VerdictBeacon, VerdictLongSession, VerdictRetryBurst, VerdictIrregular, VerdictTooFew:
	default:
		t.Fatalf("verdict %q", p.Verdict)
	}
}

func TestPerfectBeaconScoresHigh(t *testing.T) {
	var fs []Flow
	for i := range 24 * 60 { // one day, every 60 s, same size
		fs = append(fs, mk(t0.Add(time.Duration(i)*time.Minute), 2*time.Second, 412, 188))
	}
	p := AnalyzePair(fs, Options{})
	checkParts(t, p)
	if p.Score < 0.9 || p.Verdict != VerdictBeacon {
		t.Fatalf("perfect beacon: score %.3f verdict %s\n%s", p.Score, p.Verdict, strings.Join(p.Parts.Reasons, "\n"))
	}
	if p.IntervalMedian != 60 || p.SizeMedian != 600 || p.Sessions != 1440 {
		t.Errorf("medians %v s, %v B, sessions %d", p.IntervalMedian, p.SizeMedian, p.Sessions)
	}
	if !strings.Contains(p.Parts.Reasons[0], "median 60 s, MAD 0 s") {
		t.Errorf("interval reason should quote the numbers: %q", p.Parts.Reasons[0])
	}
	if p.BytesSent != 1440*412 || p.BytesReceived != 1440*188 {
		t.Errorf("bytes %d/%d", p.BytesSent, p.BytesReceived)
	}
}

func TestJitteredBeaconStillBeacon(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var fs []Flow
	at := t0
	for range 600 { // 60 s ± 3 s, sizes 600 ± 20 B, ten hours
		at = at.Add(time.Duration(57e9 + rng.Int64N(6e9)))
		fs = append(fs, mk(at, time.Second, 400+uint64(rng.IntN(40)), 200))
	}
	p := AnalyzePair(fs, Options{})
	checkParts(t, p)
	if p.Verdict != VerdictBeacon || p.Score < 0.8 {
		t.Fatalf("jittered beacon: %.3f %s\n%s", p.Score, p.Verdict, strings.Join(p.Parts.Reasons, "\n"))
	}
}

func TestPoissonRandomSizesScoresLow(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 42))
		var fs []Flow
		at := t0
		for range 1500 { // mean gap 60 s, sizes uniform 200 B … 200 kB
			at = at.Add(time.Duration(rng.ExpFloat64() * 60e9))
			fs = append(fs, mk(at, time.Second, 100+uint64(rng.IntN(100_000)), 100+uint64(rng.IntN(100_000))))
		}
		p := AnalyzePair(fs, Options{})
		checkParts(t, p)
		if p.Score > 0.4 || p.Verdict != VerdictIrregular {
			t.Fatalf("seed %d Poisson: score %.3f verdict %s\n%s", seed, p.Score, p.Verdict, strings.Join(p.Parts.Reasons, "\n"))
		}
		// RITA's own score is fooled by the steady rate; ours must explain
		// why it is kept low.
		if p.Parts.Beacon < 0.5 || p.Parts.IntervalMAD > 0.45 {
			t.Errorf("seed %d: expected RITA mean high (%.2f) and MAD score low (%.2f)", seed, p.Parts.Beacon, p.Parts.IntervalMAD)
		}
	}
}

func TestTwelveHourSessionIsLongSession(t *testing.T) {
	p := AnalyzePair([]Flow{mk(t0, 12*time.Hour, 2_400_000, 9_800_000)}, Options{})
	checkParts(t, p)
	if p.Verdict != VerdictLongSession || p.Parts.LongSession != 1 || p.Score != 1 {
		t.Fatalf("12 h session: %+v", p)
	}
	if p.LongSession != 12*3600 {
		t.Errorf("long_session_s = %v", p.LongSession)
	}
	// Tiers: 1/4/8/12 h → 0.25/0.5/0.75/1 (window made much larger so the
	// span rule stays out of it).
	for _, c := range []struct {
		d    time.Duration
		want float64
	}{{59 * time.Minute, 0}, {time.Hour, 0.25}, {4 * time.Hour, 0.5}, {8 * time.Hour, 0.75}, {13 * time.Hour, 1}} {
		p := AnalyzePair([]Flow{mk(t0, c.d, 100, 100)}, Options{WindowStart: t0, WindowEnd: t0.Add(30 * 24 * time.Hour)})
		if p.Parts.LongSession != c.want {
			t.Errorf("%v: long %.2f, want %.2f", c.d, p.Parts.LongSession, c.want)
		}
	}
	// A 40-minute session that is the whole 45-minute capture counts.
	p = AnalyzePair([]Flow{mk(t0.Add(2*time.Minute), 40*time.Minute, 100, 100)}, Options{WindowStart: t0, WindowEnd: t0.Add(45 * time.Minute)})
	if p.Verdict != VerdictLongSession || p.Parts.LongSession != 0.6 || !strings.Contains(strings.Join(p.Parts.Reasons, "\n"), "spans 89% of the 45.0 min window") {
		t.Errorf("spanning session: %.2f %s %q", p.Parts.LongSession, p.Verdict, p.Parts.Reasons)
	}
}

func TestRetryBurstsOfEmptySessions(t *testing.T) {
	var fs []Flow
	for burst := range 6 { // every 10 minutes, five SYN-only attempts 5 s apart
		for i := range 5 {
			f := mk(t0.Add(time.Duration(burst)*10*time.Minute+time.Duration(i)*5*time.Second), 0, 0, 0)
			f.Action = "drop"
			fs = append(fs, f)
		}
	}
	p := AnalyzePair(fs, Options{})
	checkParts(t, p)
	if p.Verdict != VerdictRetryBurst || p.Parts.RetryBurst < 0.8 {
		t.Fatalf("retry bursts: %.3f %s\n%s", p.Parts.RetryBurst, p.Verdict, strings.Join(p.Parts.Reasons, "\n"))
	}
	// 24 of 29 gaps are ≤ 30 s: the score says exactly that.
	if want := round3(24.0 / 29.0); p.Parts.RetryBurst != want {
		t.Errorf("retry burst %.3f, want %.3f", p.Parts.RetryBurst, want)
	}
	// A single burst of five (XMRig's retries before failover) also counts.
	p = AnalyzePair(fs[:5], Options{})
	if p.Verdict != VerdictRetryBurst || p.Parts.RetryBurst != 1 {
		t.Errorf("one burst: %.3f %s", p.Parts.RetryBurst, p.Verdict)
	}
	// The same timing with real traffic is not a retry burst.
	for i := range fs {
		fs[i].BytesSent, fs[i].BytesReceived, fs[i].Action = 5_000, 40_000, "allow"
	}
	if p := AnalyzePair(fs, Options{}); p.Verdict == VerdictRetryBurst || p.Parts.RetryBurst != 0 {
		t.Errorf("full sessions scored as retries: %.3f %s", p.Parts.RetryBurst, p.Verdict)
	}
}

func TestNearEmpty(t *testing.T) {
	cases := []struct {
		f    Flow
		want bool
	}{
		{Flow{Proto: "tcp", BytesSent: 74}, true},                      // SYN, nothing back
		{Flow{Proto: "tcp", BytesSent: 300, BytesReceived: 250}, true}, // handshake + refusal
		{Flow{Proto: "tcp", BytesSent: 3000, BytesReceived: 600, Action: "reset-both"}, true},
		{Flow{Proto: "tcp", BytesSent: 3000, BytesReceived: 600, Action: "allow"}, false},
		{Flow{Proto: "udp", BytesSent: 70, BytesReceived: 150}, false}, // a DNS answer
		{Flow{Proto: "udp", BytesSent: 70}, true},                      // a DNS query unanswered
		{Flow{Proto: "tcp", BytesSent: 1 << 40, BytesReceived: 1 << 40, Action: "deny"}, false},
	}
	for _, c := range cases {
		if got := nearEmpty(&c.f); got != c.want {
			t.Errorf("nearEmpty(%+v) = %v", c.f, got)
		}
	}
}

func TestTooFewAndEdges(t *testing.T) {
	// 0, 1, 2, 3 ordinary flows: too few to say.
	for n := 0; n < MinSessions; n++ {
		var fs []Flow
		for i := range n {
			fs = append(fs, mk(t0.Add(time.Duration(i)*time.Minute), time.Second, 5000, 5000))
		}
		p := AnalyzePair(fs, Options{})
		checkParts(t, p)
		if p.Verdict != VerdictTooFew || p.Sessions != n {
			t.Errorf("%d flows: %s sessions %d", n, p.Verdict, p.Sessions)
		}
	}
	// Identical timestamps: no gap to score, no panic, no NaN.
	var same []Flow
	for range 10 {
		same = append(same, mk(t0, time.Second, 5000, 5000))
	}
	p := AnalyzePair(same, Options{})
	checkParts(t, p)
	if p.Parts.Interval != 0 || p.IntervalMedian != 0 || p.Verdict != VerdictIrregular {
		t.Errorf("identical starts: %+v", p.Parts)
	}
	// Huge byte counts: totals saturate instead of wrapping.
	huge := []Flow{mk(t0, 0, math.MaxUint64, math.MaxUint64), mk(t0.Add(time.Minute), 0, math.MaxUint64, 1)}
	p = AnalyzePair(huge, Options{})
	checkParts(t, p)
	if p.BytesSent != math.MaxUint64 || p.BytesReceived != math.MaxUint64 {
		t.Errorf("saturation: %d %d", p.BytesSent, p.BytesReceived)
	}
	// A zero-length window: histogram and duration are 0 and say why.
	var fs []Flow
	for i := range 10 {
		fs = append(fs, mk(t0.Add(time.Duration(i)*time.Minute), 0, 600, 0))
	}
	p = AnalyzePair(fs, Options{WindowStart: t0, WindowEnd: t0})
	checkParts(t, p)
	if p.Parts.Histogram != 0 || p.Parts.Duration != 0 || !strings.Contains(strings.Join(p.Parts.Reasons, "|"), "no length") {
		t.Errorf("zero window: %+v", p.Parts)
	}
	// Negative durations from a broken log count as zero.
	neg := mk(t0, -time.Hour, 1, 1)
	if p := AnalyzePair([]Flow{neg}, Options{}); p.LongSession != 0 || !p.Last.Equal(t0) {
		t.Errorf("negative duration: %+v", p)
	}
	// Timestamps far outside int64 nanoseconds do not overflow.
	far := []Flow{mk(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), 0, 1, 1), mk(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0, 1, 1),
		mk(t0, 0, 1, 1), mk(t0.Add(time.Second), 0, 1, 1)}
	checkParts(t, AnalyzePair(far, Options{}))
}
