// Package flow holds Flow (one session record from netflow-like evidence)
// and the analysis of the flows between two hosts: series, scores,
// verdicts, blast radius. Parsers live in investigate/ingest.
//
// # Pairs
//
// Flows are grouped by (source, destination) — streamed through an
// Aggregator or given at once to AnalyzePair. A Pair keeps the sessions,
// the bytes each way, the first start and the last packet, the destination
// ports, the median interval between session starts, the median session
// size, the longest session, a series for the chart and the scores.
//
// Unidirectional netflow (nfdump writes one record per direction) is made
// whole first: a record whose ports say it runs server → client (3333 →
// 49822, see intel.ClientSide) is turned round and stitched to the other
// half of its connection (same ports, starts within 2 s), so one
// connection is one session with bytes both ways and no reversed pair.
//
// # Scores
//
// Every score is in [0,1] and every one is explained by a line in
// ScoreParts.Reasons that quotes the numbers it came from. The beacon
// score follows RITA's (activecm/rita v5 analysis/beacons.go; rita-legacy
// v4 for the quartile picks):
//
//   - Intervals: the gaps between consecutive session starts, in seconds;
//     zero gaps (sessions starting together) are dropped. Needs ≥ 4
//     sessions and ≥ 3 gaps. skew = Bowley skew (Q1+Q3−2·Q2)/(Q3−Q1),
//     quartiles picked at index round(p·(n−1)), computed only when
//     Q3−Q1 ≥ 10 and Q2 is neither Q1 nor Q3 (else 0); skew score
//     = 1−|skew|. MAD = median of |gap − median gap|; MAD score
//     = 1 − MAD/median (1 when the median is under 1 s).
//     interval = (skew score + MAD score)/2.
//   - Sizes: the same on the bytes of each session, sent + received (RITA
//     uses the originator's bytes only; minertriage adds both directions
//     because PAN-OS and nfdump 1.7 CSV often report one total, and a pool's
//     replies are as regular as the miner's requests). MAD score 0 when the
//     median is under 1 byte: empty sessions are not "steady data".
//   - Histogram: session starts in 24 equal bins over the observation
//     window. CV = population standard deviation / mean of the 24 counts;
//     CV score = 1−CV (0 when CV > 1). With ≥ 11 non-empty bins, bimodal
//     fit = share of non-empty bins whose heights fall in the two most
//     common height buckets (bucket = 5 % of the tallest bar, one outlier
//     forgiven). histogram = max(CV score, bimodal fit).
//   - Duration: 0 unless ≥ 6 bins are non-empty; coverage = the pair's
//     active span / the window; consistency = longest run of non-empty bins
//     (wrapping around) / 12; duration = max(coverage, consistency).
//   - Beacon (RITA's score) = (interval + size + histogram + duration)/4.
//   - BeaconFinal = Beacon × interval MAD score. RITA's histogram and
//     duration parts reward any host that is busy all day, which is where
//     its false positives come from (rita-legacy #545, #751): a browser
//     with random gaps scores ~0.75 there. Multiplying by how tightly the
//     gaps cluster around their median keeps random traffic low (Poisson
//     arrivals: MAD score ≈ 0.3) and leaves real beacons, whose gaps barely
//     vary, almost untouched.
//
// Two patterns RITA's beacon score misses, both typical of miners
// (formats.md §5.4):
//
//   - Long session: the longest session by RITA's long-connection tiers,
//     ≥ 1/4/8/12 h → 0.25/0.5/0.75/1. A session of ≥ 30 min covering
//     ≥ 80 % of the window scores at least 0.6: a miner holds one TCP
//     session open with a keepalive every ~60 s, and a log or capture that
//     starts and ends with it shows exactly that.
//   - Retry burst: a blocked miner reconnects every ~5 s. A session is
//     near-empty when nothing came back, or it carried ≤ 600 bytes over
//     TCP, or the firewall's action was deny/drop/reset/block and it carried
//     ≤ 4 kB (small UDP exchanges such as DNS do not count unless nothing
//     came back). retry burst = (near-empty sessions / sessions) × (gaps
//     between near-empty sessions ≤ 30 s / those gaps) × min(1, near-empty
//     sessions / 5).
//
// The final score is the strongest of BeaconFinal, long session and retry
// burst. The verdict names the pattern, the more specific first: a retry
// burst ≥ 0.5 → "retry-burst"; else a long session ≥ 0.5 → "long-session";
// else fewer than 4 sessions → "too-few"; else BeaconFinal ≥ 0.5 →
// "beacon"; else "irregular". Sub-scores are rounded to three decimals,
// as RITA reports them.
//
// # Series and charts
//
// Pair.Series has one Point per session in start order (start, bytes each
// way, duration, port), at most Options.SeriesCap (DefaultSeriesCap 2000)
// picked evenly; Buckets turns points into connections per interval.
//
// # Blast radius
//
// BlastRadius and SameDestination list the internal sources that reach a
// destination; PoolContacts lists the internal sources reaching any
// address on the mining-pool list (investigate/intel).
package flow
