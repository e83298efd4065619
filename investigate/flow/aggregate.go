package flow

import (
	"cmp"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// DefaultSeriesCap is the number of points Pair.Series keeps when
// Options.SeriesCap is 0: enough for a chart as wide as any terminal many
// times over, small enough that 10,000 pairs stay cheap.
const DefaultSeriesCap = 2000

// MaxDstPorts bounds Pair.DstPorts: a scanning source can touch thousands.
const MaxDstPorts = 32

// Options control an analysis. The zero value is the usual choice.
type Options struct {
	// WindowStart and WindowEnd are the observation window: the span the
	// evidence covers, which RITA's histogram and duration scores are
	// measured against. Zero means "the data's own": the earliest session
	// start and the latest session end of everything analysed together (all
	// flows given to an Aggregator, or the one pair given to AnalyzePair).
	// The analysis never reads the clock.
	WindowStart, WindowEnd time.Time
	// SeriesCap bounds Pair.Series: 0 means DefaultSeriesCap, a negative
	// value means no series. When a pair has more sessions than the cap,
	// the points are picked evenly over the sessions (first and last
	// included), so len(Series) < Sessions tells a chart it is thinned.
	SeriesCap int
}

func (o Options) seriesCap() int {
	if o.SeriesCap == 0 {
		return DefaultSeriesCap
	}
	return max(o.SeriesCap, 0)
}

// window resolves the observation window in unix nanoseconds, falling back
// to the data's own span.
func (o Options) window(dataStart, dataEnd int64) (int64, int64) {
	ws, we := dataStart, dataEnd
	if !o.WindowStart.IsZero() {
		ws = unixNano(o.WindowStart)
	}
	if !o.WindowEnd.IsZero() {
		we = unixNano(o.WindowEnd)
	}
	return ws, we
}

// unixNano is t.UnixNano clamped to the range it can represent (years
// 1678–2262), so absurd timestamps in a log cannot wrap around.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

type pairKey struct{ src, dst netip.Addr }

// Aggregator groups flows into pairs as they stream in, keeping only a
// small per-session record (about 40 bytes), and scores every pair at the
// end. It is not safe for concurrent use.
type Aggregator struct {
	pairs              map[pairKey]*pairAcc
	dataStart, dataEnd int64
	flows              int
}

// NewAggregator returns an empty aggregator.
func NewAggregator() *Aggregator {
	return &Aggregator{pairs: map[pairKey]*pairAcc{}, dataStart: math.MaxInt64, dataEnd: math.MinInt64}
}

// Flows is the number of flows added.
func (a *Aggregator) Flows() int { return a.flows }

// Len is the number of pairs seen.
func (a *Aggregator) Len() int { return len(a.pairs) }

// Add records one flow. The flow is not retained.
func (a *Aggregator) Add(f *Flow) {
	k, s := orient(f)
	acc := a.pairs[k]
	if acc == nil {
		acc = &pairAcc{}
		a.pairs[k] = acc
	}
	acc.add(s)
	a.flows++
	a.dataStart = min(a.dataStart, s.start)
	a.dataEnd = max(a.dataEnd, endOf(s))
}

func toSession(f *Flow) session {
	s := session{
		start: unixNano(f.Start),
		dur:   max(int64(f.Duration), 0),
		sent:  f.BytesSent,
		recv:  f.BytesReceived,
		port:  f.DstPort,
		sport: f.SrcPort,
	}
	if strings.EqualFold(f.Proto, "udp") {
		s.flags |= flagUDP
	}
	if blockedAction(f.Action) {
		s.flags |= flagBlocked
	}
	return s
}

func endOf(s session) int64 {
	if e := s.start + s.dur; e >= s.start {
		return e
	}
	return math.MaxInt64
}

// Window is the data's own observation window: the earliest start and the
// latest end of every flow added (zero times when empty).
func (a *Aggregator) Window() (time.Time, time.Time) {
	if a.flows == 0 {
		return time.Time{}, time.Time{}
	}
	return time.Unix(0, a.dataStart).UTC(), time.Unix(0, a.dataEnd).UTC()
}

// Pairs scores every pair and returns them by score, highest first (ties:
// more sessions first, then by address, so the order is stable).
func (a *Aggregator) Pairs(opts Options) []Pair {
	ws, we := opts.window(a.dataStart, a.dataEnd)
	out := make([]Pair, 0, len(a.pairs))
	sc := &scratch{}
	for k, acc := range a.pairs {
		out = append(out, analyze(k.src, k.dst, acc.sessions(), ws, we, opts, sc))
	}
	SortPairs(out)
	return out
}

// SortPairs orders pairs by score, highest first, then by sessions, then by
// source and destination address.
func SortPairs(ps []Pair) {
	slices.SortFunc(ps, func(x, y Pair) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Sessions, x.Sessions); c != 0 {
			return c
		}
		if c := x.Src.Compare(y.Src); c != 0 {
			return c
		}
		return x.Dst.Compare(y.Dst)
	})
}

// AnalyzePair analyses the flows of one pair (the caller's selection: they
// should share Src and Dst, or be the two directions of unidirectional
// netflow; the pair is named after the first flow, turned round if it is a
// server → client record). With no window in opts, the pair's own span is
// the window.
func AnalyzePair(flows []Flow, opts Options) Pair {
	if len(flows) == 0 {
		p := Pair{Verdict: VerdictTooFew}
		score(&p, nil, 0, 0, &scratch{})
		return p
	}
	acc := &pairAcc{ss: make([]session, 0, len(flows))}
	ds, de := int64(math.MaxInt64), int64(math.MinInt64)
	var name pairKey
	for i := range flows {
		k, s := orient(&flows[i])
		if i == 0 {
			name = k
		}
		acc.add(s)
		ds = min(ds, s.start)
		de = max(de, endOf(s))
	}
	ws, we := opts.window(ds, de)
	return analyze(name.src, name.dst, acc.sessions(), ws, we, opts, &scratch{})
}

// analyze builds the pair's totals and series and scores it. ss is sorted
// in place.
func analyze(src, dst netip.Addr, ss []session, ws, we int64, opts Options, sc *scratch) Pair {
	slices.SortFunc(ss, func(x, y session) int { return cmp.Compare(x.start, y.start) })
	p := Pair{Src: src, Dst: dst, Sessions: len(ss)}
	last := int64(math.MinInt64)
	for i := range ss {
		p.BytesSent = satAdd(p.BytesSent, ss[i].sent)
		p.BytesReceived = satAdd(p.BytesReceived, ss[i].recv)
		last = max(last, endOf(ss[i]))
	}
	if len(ss) > 0 {
		p.First = time.Unix(0, ss[0].start).UTC()
		p.Last = time.Unix(0, last).UTC()
	}
	p.DstPorts, p.DstPortCount = dstPorts(ss)
	p.Series = series(ss, opts.seriesCap())
	score(&p, ss, ws, we, sc)
	return p
}

// dstPorts returns the distinct destination ports, ascending, keeping the
// MaxDstPorts most used when there are more.
func dstPorts(ss []session) ([]uint16, int) {
	counts := map[uint16]int{}
	for i := range ss {
		counts[ss[i].port]++
	}
	ports := make([]uint16, 0, len(counts))
	for p := range counts {
		ports = append(ports, p)
	}
	if len(ports) > MaxDstPorts {
		slices.SortFunc(ports, func(a, b uint16) int {
			if c := cmp.Compare(counts[b], counts[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		ports = ports[:MaxDstPorts]
	}
	slices.Sort(ports)
	return ports, len(counts)
}

// series returns at most limit points picked evenly over ss (sorted).
func series(ss []session, limit int) []Point {
	n := len(ss)
	if limit <= 0 || n == 0 {
		return nil
	}
	k := min(n, limit)
	out := make([]Point, k)
	for i := range k {
		j := i
		if k < n {
			if k == 1 {
				j = 0
			} else {
				j = int(int64(i) * int64(n-1) / int64(k-1))
			}
		}
		s := ss[j]
		out[i] = Point{Start: time.Unix(0, s.start).UTC(), BytesSent: s.sent, BytesReceived: s.recv, Duration: time.Duration(s.dur), DstPort: s.port}
	}
	return out
}
