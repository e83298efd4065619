package flow

import (
	"net/netip"
	"time"
)

// Verdict names what the pair's sessions look like. The names are part of
// the `flows --json` contract.
type Verdict string

const (
	VerdictBeacon      Verdict = "beacon"       // regular connections with steady sizes
	VerdictLongSession Verdict = "long-session" // one session held open for hours
	VerdictRetryBurst  Verdict = "retry-burst"  // many near-empty sessions seconds apart (a blocked miner)
	VerdictIrregular   Verdict = "irregular"    // nothing machine-like
	VerdictTooFew      Verdict = "too-few"      // not enough sessions to say
)

// Pair is the analysis of all flows from Src to Dst. Its JSON form is the
// contract of `minertriage flows --json` (DESIGN.md), with the sub-scores
// and the series added so the workbench and the notes can say why.
type Pair struct {
	Src            netip.Addr `json:"src"`
	Dst            netip.Addr `json:"dst"`
	DstPorts       []uint16   `json:"dst_ports"`      // distinct destination ports, ascending (at most MaxDstPorts, the most used)
	DstPortCount   int        `json:"dst_port_count"` // distinct destination ports in all
	Sessions       int        `json:"sessions"`
	BytesSent      uint64     `json:"bytes_sent"`
	BytesReceived  uint64     `json:"bytes_received"`
	First          time.Time  `json:"first"`             // first session start
	Last           time.Time  `json:"last"`              // last packet of any session (start + duration)
	IntervalMedian float64    `json:"interval_median_s"` // median seconds between session starts
	SizeMedian     float64    `json:"size_median"`       // median bytes per session (sent+received)
	LongSession    float64    `json:"long_session_s"`    // longest session, seconds
	Score          float64    `json:"score"`             // final score in [0,1]
	Verdict        Verdict    `json:"verdict"`
	Parts          ScoreParts `json:"parts"`
	Series         []Point    `json:"series,omitempty"` // per session, in start order (capped: see Options.SeriesCap)
}

// ScoreParts keeps every sub-score in [0,1] and the plain-language reasons,
// so no number is opaque.
type ScoreParts struct {
	IntervalSkew float64  `json:"interval_skew"` // 1 − |Bowley skew| of intervals
	IntervalMAD  float64  `json:"interval_mad"`  // 1 − MAD/median of intervals
	Interval     float64  `json:"interval"`      // mean of the two above
	SizeSkew     float64  `json:"size_skew"`     // 1 − |Bowley skew| of sizes
	SizeMAD      float64  `json:"size_mad"`      // 1 − MAD/median of sizes
	Size         float64  `json:"size"`          // mean of the two above
	Histogram    float64  `json:"histogram"`     // 24-bin connection histogram regularity
	Duration     float64  `json:"duration"`      // coverage of the observed span
	Beacon       float64  `json:"beacon"`        // RITA-style mean of interval, size, histogram, duration
	BeaconFinal  float64  `json:"beacon_final"`  // Beacon × IntervalMAD: the beacon pattern's score (doc.go)
	LongSession  float64  `json:"long_session"`  // 1/4/8/12 h tiers
	RetryBurst   float64  `json:"retry_burst"`   // near-empty sessions seconds apart
	Reasons      []string `json:"reasons"`       // one line per part, for people
}

// Point is one session on the chart.
type Point struct {
	Start         time.Time     `json:"start"`
	BytesSent     uint64        `json:"bytes_sent"`
	BytesReceived uint64        `json:"bytes_received"`
	Duration      time.Duration `json:"duration"`
	DstPort       uint16        `json:"dst_port"`
}
