package flow

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Thresholds of the scoring; doc.go explains each.
const (
	MinSessions      = 4   // RITA's UniqueConnectionThreshold: fewer sessions, no beacon score
	PatternThreshold = 0.5 // a pattern score at or above this names the verdict
	HistogramBins    = 24  // RITA's histogram: 24 equal bins over the observation window

	bimodalMinBars    = 11   // RITA HistogramBimodalMinHoursSeen
	bimodalSensitive  = 0.05 // RITA HistogramModeSensitivity
	durationMinBars   = 6    // RITA DurationMinHoursSeen
	durationIdealRun  = 12   // RITA DurationConsistencyIdealHoursSeen
	spanMinNanos      = 30 * 60 * 1e9
	spanFraction      = 0.8
	spanScore         = 0.6
	emptyBytes        = 600  // a TCP handshake, a refused login: no pool traffic
	blockedEmptyBytes = 4096 // a session the firewall cut after the login
	retryGapNanos     = 30 * 1e9
	retryFullCount    = 5 // XMRig retries 5 times before failing over
)

// Long-session tiers: RITA's long-connection thresholds (1/4/8/12 h).
var longTiers = []struct {
	hours float64
	score float64
}{{12, 1}, {8, 0.75}, {4, 0.5}, {1, 0.25}}

// session is one flow (or, for unidirectional netflow, the two records of
// one connection stitched together) reduced to what the scores need:
// 40 bytes, so a million flows fit in 40 MB.
type session struct {
	start int64 // unix nanoseconds
	dur   int64 // nanoseconds, ≥ 0
	sent  uint64
	recv  uint64
	port  uint16 // destination (server) port
	sport uint16 // source (client) port, for stitching
	flags uint8
}

const (
	flagUDP     = 1 << iota // the protocol is UDP
	flagBlocked             // the firewall's action was deny/drop/reset/block
	flagFwd                 // a unidirectional client→server record is in it
	flagRev                 // a unidirectional server→client record is in it
)

// empty says whether a session carried no real pool traffic: nothing came
// back, or a few hundred bytes over TCP (a handshake, a refused login), or
// the firewall blocked it after a little. Small UDP exchanges (DNS, NTP)
// are normal and do not count unless nothing came back.
func (s *session) empty() bool {
	total := satAdd(s.sent, s.recv)
	switch {
	case s.recv == 0:
		return true
	case s.flags&flagBlocked != 0 && total <= blockedEmptyBytes:
		return true
	}
	return total <= emptyBytes && s.flags&flagUDP == 0
}

// nearEmpty is session.empty for one flow.
func nearEmpty(f *Flow) bool {
	s := toSession(f)
	return s.empty()
}

func blockedAction(a string) bool {
	a = strings.ToLower(a)
	for _, w := range []string{"deny", "drop", "reset", "block", "reject"} {
		if strings.Contains(a, w) {
			return true
		}
	}
	return false
}

// nsDiff is a − b in float64: timestamps clamped to the int64 extremes
// must not overflow when subtracted.
func nsDiff(a, b int64) float64 {
	if d := a - b; (d >= 0) == (a >= b) {
		return float64(d) // exact when it does not overflow
	}
	return float64(a) - float64(b)
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxUint64
}

// scratch holds buffers reused across pairs so scoring a million flows
// does not allocate per pair.
type scratch struct {
	a, b, c []float64
	bins    [HistogramBins]int
}

// score fills p.Parts, p.Score and p.Verdict from ss (sorted by start) and
// the observation window [ws, we] in unix nanoseconds.
func score(p *Pair, ss []session, ws, we int64, sc *scratch) {
	parts := &p.Parts
	parts.Reasons = parts.Reasons[:0]
	n := len(ss)

	// Intervals between session starts; zero gaps (same start) are
	// dropped for scoring, as RITA does.
	iv := sc.a[:0]
	for i := 1; i < n; i++ {
		if ss[i].start > ss[i-1].start {
			iv = append(iv, nsDiff(ss[i].start, ss[i-1].start)/1e9)
		}
	}
	slices.Sort(iv)
	sc.a = iv
	var ivd dispersion
	ivd, sc.c = describe(iv, 1, sc.c)
	p.IntervalMedian = ivd.median

	sz := sc.b[:0]
	for i := range ss {
		sz = append(sz, float64(ss[i].sent)+float64(ss[i].recv))
	}
	slices.Sort(sz)
	sc.b = sz
	var szd dispersion
	szd, sc.c = describe(sz, 0, sc.c)
	p.SizeMedian = szd.median

	if n >= MinSessions && len(iv) >= 3 {
		parts.IntervalSkew, parts.IntervalMAD, parts.Interval = round3(ivd.skewScore), round3(ivd.madScore), round3(ivd.score)
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("intervals: median %s, MAD %s, Bowley skew %.2f → skew %.2f, MAD %.2f → %.2f",
			secs(ivd.median), secs(ivd.mad), ivd.skew, parts.IntervalSkew, parts.IntervalMAD, parts.Interval))
	} else {
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("intervals: need ≥ 3 gaps between distinct session starts and ≥ %d sessions, have %d and %d → 0", MinSessions, len(iv), n))
	}
	if n >= MinSessions {
		parts.SizeSkew, parts.SizeMAD, parts.Size = round3(szd.skewScore), round3(szd.madScore), round3(szd.score)
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("sizes (sent+received): median %s, MAD %s, Bowley skew %.2f → skew %.2f, MAD %.2f → %.2f",
			byteCount(szd.median), byteCount(szd.mad), szd.skew, parts.SizeSkew, parts.SizeMAD, parts.Size))
	} else {
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("sizes: need ≥ %d sessions, have %d → 0", MinSessions, n))
	}
	scoreHistogram(parts, ss, ws, we, sc)
	if n >= MinSessions {
		parts.Beacon = round3((parts.Interval + parts.Size + parts.Histogram + parts.Duration) / 4)
		parts.BeaconFinal = round3(parts.Beacon * parts.IntervalMAD)
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("beacon: RITA mean of intervals, sizes, histogram, duration %.2f × interval regularity (MAD) %.2f → %.2f",
			parts.Beacon, parts.IntervalMAD, parts.BeaconFinal))
	} else {
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("beacon: need ≥ %d sessions, have %d → 0", MinSessions, n))
	}
	scoreLong(p, ss, ws, we)
	scoreRetry(parts, ss)
	decide(p, n)
}

// scoreHistogram computes RITA's histogram and duration scores over 24
// equal bins of the observation window.
func scoreHistogram(parts *ScoreParts, ss []session, ws, we int64, sc *scratch) {
	if len(ss) < MinSessions {
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("histogram: need ≥ %d sessions → 0", MinSessions), fmt.Sprintf("duration: need ≥ %d sessions → 0", MinSessions))
		return
	}
	if we <= ws {
		parts.Reasons = append(parts.Reasons, "histogram: the observation window has no length → 0", "duration: the observation window has no length → 0")
		return
	}
	bins := &sc.bins
	*bins = [HistogramBins]int{}
	span := nsDiff(we, ws)
	for i := range ss {
		b := int(nsDiff(ss[i].start, ws) / span * HistogramBins)
		bins[min(max(b, 0), HistogramBins-1)]++
	}
	mean := float64(len(ss)) / HistogramBins
	var ss2 float64
	bars, maxBar := 0, 0
	for _, c := range bins {
		d := float64(c) - mean
		ss2 += d * d
		if c > 0 {
			bars++
			maxBar = max(maxBar, c)
		}
	}
	cv := math.Sqrt(ss2/HistogramBins) / mean
	cvScore := 0.0
	if cv <= 1 {
		cvScore = round3(1 - cv)
	}
	fit := 0.0
	if bars >= bimodalMinBars {
		fit = bimodalFit(bins, bars, maxBar)
	}
	parts.Histogram = round3(clamp01(max(cvScore, fit)))
	binWidth := span / HistogramBins / 1e9
	parts.Reasons = append(parts.Reasons, fmt.Sprintf("histogram: %d of %d bins of %s hold sessions, CV %.2f → %.2f, bimodal fit %.2f → %.2f",
		bars, HistogramBins, secs(binWidth), cv, cvScore, fit, parts.Histogram))

	if bars < durationMinBars {
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("duration: sessions in %d bins, need ≥ %d → 0", bars, durationMinBars))
		return
	}
	first, last := ss[0].start, ss[0].start
	for i := range ss {
		first = min(first, ss[i].start)
		last = max(last, endOf(ss[i]))
	}
	coverage := clamp01(math.Ceil(nsDiff(last, first)/span*1000) / 1000)
	run := longestRun(bins)
	consistency := clamp01(math.Ceil(float64(run)/durationIdealRun*1000) / 1000)
	parts.Duration = round3(max(coverage, consistency))
	parts.Reasons = append(parts.Reasons, fmt.Sprintf("duration: active %s of the %s window (coverage %.2f), longest run %d bins (consistency %.2f) → %.2f",
		secs(nsDiff(last, first)/1e9), secs(span/1e9), coverage, run, consistency, parts.Duration))
}

// bimodalFit is RITA's bimodal fit: bar heights bucketed by 5 % of the
// tallest bar; the share of bars in the two most common buckets, one
// outlier forgiven.
func bimodalFit(bins *[HistogramBins]int, bars, maxBar int) float64 {
	size := int(math.Ceil(float64(maxBar) * bimodalSensitive))
	size = max(size, 1)
	var counts [HistogramBins + 1]int // heights/size ≤ 1/0.05 = 20 buckets
	for _, c := range bins {
		if c > 0 {
			counts[min(c/size, HistogramBins)]++
		}
	}
	top1, top2 := 0, 0
	for _, c := range counts {
		if c > top1 {
			top1, top2 = c, top1
		} else if c > top2 {
			top2 = c
		}
	}
	return clamp01(float64(top1+top2) / float64(max(bars-1, 1)))
}

// longestRun is the longest run of non-empty bins, wrapping around the end
// (a beacon that runs over midnight counts once).
func longestRun(bins *[HistogramBins]int) int {
	best, cur := 0, 0
	for i := 0; i < 2*HistogramBins; i++ {
		if bins[i%HistogramBins] > 0 {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return min(best, HistogramBins)
}

// scoreLong scores the longest session by RITA's long-connection tiers,
// and a session that spans most of the observation window.
func scoreLong(p *Pair, ss []session, ws, we int64) {
	var longest int64
	for i := range ss {
		longest = max(longest, ss[i].dur)
	}
	p.LongSession = float64(longest) / 1e9
	hours := p.LongSession / 3600
	s, why := 0.0, "under 1 h"
	for _, t := range longTiers {
		if hours >= t.hours {
			s, why = t.score, fmt.Sprintf("≥ %g h tier", t.hours)
			break
		}
	}
	if w := nsDiff(we, ws); w > 0 && longest >= spanMinNanos && float64(longest) >= spanFraction*w && s < spanScore {
		s, why = spanScore, fmt.Sprintf("spans %.0f%% of the %s window", 100*float64(longest)/w, secs(w/1e9))
	}
	p.Parts.LongSession = s
	p.Parts.Reasons = append(p.Parts.Reasons, fmt.Sprintf("long session: longest %s (%s) → %.2f", secs(p.LongSession), why, s))
}

// scoreRetry scores the pattern of a blocked miner: many near-empty
// sessions a few seconds apart. score = share of sessions near-empty ×
// share of gaps between them ≤ 30 s × min(1, near-empty count / 5).
func scoreRetry(parts *ScoreParts, ss []session) {
	empty, short, gaps := 0, 0, 0
	var prev int64
	for i := range ss {
		if !ss[i].empty() {
			continue
		}
		if empty > 0 {
			gaps++
			if nsDiff(ss[i].start, prev) <= retryGapNanos {
				short++
			}
		}
		empty++
		prev = ss[i].start
	}
	if empty < 2 {
		parts.RetryBurst = 0
		parts.Reasons = append(parts.Reasons, fmt.Sprintf("retry burst: need ≥ 2 near-empty sessions, have %d → 0", empty))
		return
	}
	emptyShare := float64(empty) / float64(len(ss))
	shortShare := float64(short) / float64(gaps)
	count := min(1, float64(empty)/retryFullCount)
	parts.RetryBurst = round3(clamp01(emptyShare * shortShare * count))
	parts.Reasons = append(parts.Reasons, fmt.Sprintf("retry burst: %d of %d sessions near-empty, %d of %d gaps between them ≤ 30 s, count factor %.2f → %.2f",
		empty, len(ss), short, gaps, count, parts.RetryBurst))
}

// decide picks the final score (the strongest pattern) and the verdict.
// The more specific patterns win when present: near-empty retries explain
// regular timing better than "beacon", and one long session needs no
// intervals at all.
func decide(p *Pair, n int) {
	parts := &p.Parts
	p.Score = round3(clamp01(max(parts.BeaconFinal, parts.LongSession, parts.RetryBurst)))
	switch {
	case parts.RetryBurst >= PatternThreshold:
		p.Verdict = VerdictRetryBurst
	case parts.LongSession >= PatternThreshold:
		p.Verdict = VerdictLongSession
	case n < MinSessions:
		p.Verdict = VerdictTooFew
	case parts.BeaconFinal >= PatternThreshold:
		p.Verdict = VerdictBeacon
	default:
		p.Verdict = VerdictIrregular
	}
	parts.Reasons = append(parts.Reasons, fmt.Sprintf("verdict: %s, score %.2f (the strongest of beacon %.2f, long session %.2f, retry burst %.2f; a pattern counts from %.1f)",
		p.Verdict, p.Score, parts.BeaconFinal, parts.LongSession, parts.RetryBurst, PatternThreshold))
}

// secs writes a number of seconds for people: "60 s", "2.5 min", "12.0 h".
func secs(s float64) string {
	switch a := math.Abs(s); {
	case a < 1 && a > 0:
		return fmt.Sprintf("%.3f s", s)
	case a < 120:
		return fmt.Sprintf("%.3g s", s)
	case a < 7200:
		return fmt.Sprintf("%.1f min", s/60)
	case a < 3*86400:
		return fmt.Sprintf("%.1f h", s/3600)
	}
	return fmt.Sprintf("%.1f d", s/86400)
}

// byteCount writes a byte count for people: "512 B", "1.2 kB", "3.4 MB".
func byteCount(b float64) string {
	const unit = 1000
	if b < unit {
		return fmt.Sprintf("%.0f B", b)
	}
	exp := 0
	for v := b / unit; v >= unit && exp < 5; v /= unit {
		exp++
	}
	return fmt.Sprintf("%.1f %cB", b/math.Pow(unit, float64(exp+1)), "kMGTPE"[exp])
}
