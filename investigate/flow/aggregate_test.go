package flow

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/intel"
)

func TestAggregatorMatchesAnalyzePair(t *testing.T) {
	other := netip.MustParseAddr("10.20.30.41")
	a := NewAggregator()
	var mine, theirs []Flow
	for i := range 100 {
		f := mk(t0.Add(time.Duration(i)*time.Minute), time.Second, 300, 300)
		g := f
		g.Src, g.DstPort = other, 443
		g.Start = t0.Add(time.Duration(i*i) * time.Second)
		mine, theirs = append(mine, f), append(theirs, g)
	}
	// Add out of order: the aggregator must sort.
	for i := len(mine) - 1; i >= 0; i-- {
		a.Add(&mine[i])
		a.Add(&theirs[i])
	}
	if a.Flows() != 200 || a.Len() != 2 {
		t.Fatalf("flows %d pairs %d", a.Flows(), a.Len())
	}
	ws, we := a.Window()
	if !ws.Equal(t0) || !we.Equal(t0.Add(99*99*time.Second+time.Second)) {
		t.Errorf("window %v – %v", ws, we)
	}
	ps := a.Pairs(Options{})
	if len(ps) != 2 || ps[0].Score < ps[1].Score {
		t.Fatalf("pairs not sorted by score: %v %v", ps[0].Score, ps[1].Score)
	}
	// Analysed alone with the same window, the pair scores the same.
	solo := AnalyzePair(mine, Options{WindowStart: ws, WindowEnd: we})
	var got Pair
	for _, p := range ps {
		if p.Src == miner {
			got = p
		}
	}
	if got.Score != solo.Score || got.Parts.Histogram != solo.Parts.Histogram || got.Sessions != 100 {
		t.Errorf("aggregated %v/%v vs alone %v/%v", got.Score, got.Parts.Histogram, solo.Score, solo.Parts.Histogram)
	}
	if len(got.DstPorts) != 1 || got.DstPorts[0] != 14444 || got.DstPortCount != 1 {
		t.Errorf("dst ports %v", got.DstPorts)
	}
	if !got.First.Equal(t0) || !got.Last.Equal(t0.Add(99*time.Minute+time.Second)) {
		t.Errorf("first/last %v %v", got.First, got.Last)
	}
	if len(got.Series) != 100 || !got.Series[0].Start.Equal(t0) || got.Series[99].DstPort != 14444 {
		t.Errorf("series %d points", len(got.Series))
	}
}

func TestStitchUnidirectionalNetflow(t *testing.T) {
	oneWay := func(src, dst netip.Addr, sp, dp uint16, at time.Time, bytes uint64) Flow {
		return Flow{Src: src, Dst: dst, SrcPort: sp, DstPort: dp, Proto: "tcp", Start: at, Duration: time.Minute,
			BytesSent: bytes, PacketsSent: 10, Source: "nfdump"}
	}
	fs := []Flow{
		oneWay(pool, miner, 3333, 49822, t0.Add(time.Second), 9000), // the pool's half first
		oneWay(miner, pool, 49822, 3333, t0, 1200),
		oneWay(miner, pool, 49823, 3333, t0.Add(time.Minute), 60),             // a SYN nobody answered
		oneWay(miner, pool, 49823, 3333, t0.Add(time.Minute+time.Second), 60), // same direction again: not stitched
		oneWay(pool, miner, 3333, 49824, t0.Add(time.Hour), 500),              // a half whose other half is far away
		oneWay(miner, pool, 49824, 3333, t0.Add(2*time.Hour), 500),
	}
	a := NewAggregator()
	for i := range fs {
		a.Add(&fs[i])
	}
	ps := a.Pairs(Options{})
	if len(ps) != 1 || ps[0].Src != miner || ps[0].Dst != pool {
		t.Fatalf("want one miner → pool pair, got %d: %+v", len(ps), ps)
	}
	p := ps[0]
	if p.Sessions != 5 || p.BytesSent != 1200+60+60+500 || p.BytesReceived != 9000+500 {
		t.Errorf("sessions %d, sent %d, received %d", p.Sessions, p.BytesSent, p.BytesReceived)
	}
	first := p.Series[0]
	if first.BytesSent != 1200 || first.BytesReceived != 9000 || !first.Start.Equal(t0) || first.Duration != time.Minute+time.Second {
		t.Errorf("stitched session: %+v", first)
	}
	// AnalyzePair stitches alike and names the pair the right way round.
	if q := AnalyzePair(fs, Options{}); q.Src != miner || q.Sessions != 5 || q.BytesReceived != p.BytesReceived {
		t.Errorf("AnalyzePair: %s → %s, %d sessions", q.Src, q.Dst, q.Sessions)
	}
	// Bidirectional records (PAN-OS, Zeek, or nfdump biflows with reverse
	// counters) are never turned round: their direction is the sensor's.
	bi := oneWay(pool, miner, 3333, 49822, t0, 100)
	bi.BytesReceived = 50
	if q := AnalyzePair([]Flow{bi}, Options{}); q.Src != pool {
		t.Errorf("a biflow was turned round: %s → %s", q.Src, q.Dst)
	}
}

func TestSeriesCapAndPorts(t *testing.T) {
	var fs []Flow
	for i := range 1000 {
		f := mk(t0.Add(time.Duration(i)*time.Second), 0, uint64(i), 0)
		f.DstPort = uint16(1000 + i%50)
		if i%3 == 0 {
			f.DstPort = 3333 // the most used
		}
		fs = append(fs, f)
	}
	p := AnalyzePair(fs, Options{SeriesCap: 10})
	if len(p.Series) != 10 || p.Series[0].BytesSent != 0 || p.Series[9].BytesSent != 999 {
		t.Errorf("capped series: %d points, first %d last %d", len(p.Series), p.Series[0].BytesSent, p.Series[len(p.Series)-1].BytesSent)
	}
	if len(AnalyzePair(fs, Options{SeriesCap: -1}).Series) != 0 {
		t.Error("negative cap should drop the series")
	}
	if len(AnalyzePair(fs, Options{}).Series) != 1000 {
		t.Error("default cap should keep 1000 points")
	}
	if p.DstPortCount != 51 || len(p.DstPorts) != MaxDstPorts {
		t.Errorf("ports: %d kept of %d", len(p.DstPorts), p.DstPortCount)
	}
	found := false
	for i, port := range p.DstPorts {
		found = found || port == 3333
		if i > 0 && p.DstPorts[i-1] >= port {
			t.Errorf("ports not ascending: %v", p.DstPorts)
		}
	}
	if !found {
		t.Error("the most used port must be kept")
	}
}

func TestBuckets(t *testing.T) {
	pts := []Point{
		{Start: t0.Add(10 * time.Second), BytesSent: 1},
		{Start: t0.Add(50 * time.Second), BytesSent: 2, BytesReceived: 5},
		{Start: t0.Add(185 * time.Second), BytesSent: 4},
	}
	bs, w := Buckets(pts, time.Minute)
	if w != time.Minute || len(bs) != 4 {
		t.Fatalf("%d buckets of %v", len(bs), w)
	}
	want := []int{2, 0, 0, 1}
	for i, b := range bs {
		if b.Sessions != want[i] || !b.Start.Equal(t0.Add(time.Duration(i)*time.Minute)) {
			t.Errorf("bucket %d: %+v", i, b)
		}
	}
	if bs[0].BytesSent != 3 || bs[0].BytesReceived != 5 || bs[3].BytesSent != 4 {
		t.Errorf("bytes: %+v", bs)
	}
	// A tiny width over a long span is widened, not allocated blindly.
	far := []Point{{Start: t0}, {Start: t0.Add(365 * 24 * time.Hour)}}
	bs, w = Buckets(far, time.Millisecond)
	if len(bs) > MaxBuckets || w <= time.Millisecond || bs[0].Sessions+bs[len(bs)-1].Sessions != 2 {
		t.Errorf("widened: %d buckets of %v", len(bs), w)
	}
	if bs, _ := Buckets(nil, time.Minute); bs != nil {
		t.Error("no points, no buckets")
	}
	if bs, _ := Buckets(pts, 0); bs != nil {
		t.Error("zero width, no buckets")
	}
}

func TestBlastRadiusAndPoolContacts(t *testing.T) {
	var fs []Flow
	srcs := []string{"10.0.0.1", "10.0.0.2", "192.168.5.5", "8.8.8.8"}
	for si, s := range srcs {
		for i := range 10 {
			f := mk(t0.Add(time.Duration(i)*time.Minute+time.Duration(si)*time.Second), time.Second, 500, 500)
			f.Src = netip.MustParseAddr(s)
			fs = append(fs, f)
		}
	}
	// Noise to another destination.
	n := mk(t0, time.Second, 1, 1)
	n.Dst = netip.MustParseAddr("1.1.1.1")
	fs = append(fs, n)
	br := BlastRadius(fs, pool, intel.IsInternal)
	if len(br) != 3 {
		t.Fatalf("blast radius: %d sources, want the 3 internal ones", len(br))
	}
	for _, p := range br {
		if p.Dst != pool || !intel.IsInternal(p.Src) || p.Sessions != 10 || p.Series != nil {
			t.Errorf("blast pair %+v", p)
		}
	}

	a := NewAggregator()
	for i := range fs {
		a.Add(&fs[i])
	}
	ps := a.Pairs(Options{SeriesCap: -1})
	if got := SameDestination(ps, pool, intel.IsInternal); len(got) != 3 {
		t.Errorf("SameDestination: %d", len(got))
	}
	pools, err := intel.LoadPools(strings.NewReader("45.9.148.21:14444\n"), "mine.txt")
	if err != nil {
		t.Fatal(err)
	}
	pc := PoolContacts(ps, pools, intel.IsInternal)
	if len(pc) != 3 || !pc[0].Match.PortMatched || pc[0].Match.Source != "mine.txt" {
		t.Errorf("pool contacts: %+v", pc)
	}
	if len(PoolContacts(ps, intel.DefaultPools(), intel.IsInternal)) != 0 {
		t.Error("45.9.148.21 is not in the default list; nothing should match")
	}
	if _, ok := MatchPair(ps[0], nil); ok {
		t.Error("nil list matches nothing")
	}
}

// FuzzScore feeds arbitrary series to the scoring: every score must stay in
// [0,1], never NaN, whatever the timestamps and sizes.
func FuzzScore(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, int64(60e9), int64(0))
	f.Add([]byte{255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0}, int64(5e9), int64(-1))
	f.Add([]byte{}, int64(0), int64(0))
	f.Fuzz(func(t *testing.T, data []byte, step, window int64) {
		rng := rand.New(rand.NewPCG(uint64(len(data)), uint64(step)))
		var fs []Flow
		at := t0
		for i := 0; i+3 < len(data) && len(fs) < 500; i += 4 {
			gap := time.Duration(int64(data[i])*step/16 + int64(data[i+1])*int64(time.Second))
			at = at.Add(gap)
			sent := uint64(data[i+2]) << (data[i+3] % 64)
			recv := uint64(math.MaxUint64)
			if data[i+3]&1 == 0 {
				recv = rng.Uint64() >> (data[i+3] % 64)
			}
			fl := mk(at, time.Duration(int64(data[i+3])*step), sent, recv)
			if data[i]%7 == 0 {
				fl.Action = "drop"
			}
			if data[i+2]%5 == 0 { // one-way netflow, half of them server → client
				fl.Source, fl.BytesReceived = "nfdump", 0
				if data[i]%2 == 0 {
					fl.Src, fl.Dst, fl.SrcPort, fl.DstPort = fl.Dst, fl.Src, fl.DstPort, fl.SrcPort
				}
			}
			fs = append(fs, fl)
		}
		opts := Options{}
		if window != 0 {
			opts.WindowStart, opts.WindowEnd = t0, t0.Add(time.Duration(window))
		}
		p := AnalyzePair(fs, opts)
		checkParts(t, p)
		if p.Sessions > len(fs) || (len(fs) > 0 && p.Sessions == 0) {
			t.Fatalf("sessions %d of %d flows", p.Sessions, len(fs))
		}
		bs, _ := Buckets(p.Series, time.Duration(step))
		total := 0
		for _, b := range bs {
			total += b.Sessions
		}
		if len(bs) > 0 && total != len(p.Series) {
			t.Fatalf("buckets hold %d of %d points", total, len(p.Series))
		}
	})
}

// BenchmarkScore1MFlows10kPairs streams 1,000,000 flows over 10,000 pairs
// through an Aggregator and scores every pair (the issue's ≤ 3 s target).
func BenchmarkScore1MFlows10kPairs(b *testing.B) {
	const pairs, perPair = 10_000, 100
	rng := rand.New(rand.NewPCG(1, 2))
	fs := make([]Flow, 0, pairs*perPair)
	for p := range pairs {
		src := netip.AddrFrom4([4]byte{10, byte(p >> 16), byte(p >> 8), byte(p)})
		dst := netip.AddrFrom4([4]byte{45, 9, byte(p >> 8), byte(p)})
		at := t0
		for range perPair {
			at = at.Add(time.Duration(30+rng.IntN(60)) * time.Second)
			fs = append(fs, Flow{Src: src, Dst: dst, SrcPort: 50000, DstPort: 3333, Proto: "tcp", Start: at,
				Duration: time.Second, BytesSent: uint64(rng.IntN(2000)), BytesReceived: uint64(rng.IntN(2000))})
		}
	}
	rng.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		a := NewAggregator()
		for i := range fs {
			a.Add(&fs[i])
		}
		ps := a.Pairs(Options{})
		if len(ps) != pairs {
			b.Fatalf("%d pairs", len(ps))
		}
	}
	b.ReportMetric(float64(len(fs))*float64(b.N)/b.Elapsed().Seconds(), "flows/s")
}
