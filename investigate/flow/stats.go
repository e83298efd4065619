package flow

import (
	"math"
	"slices"
)

// dispersion is the summary of one sorted sample that a statistical score
// is computed from; it is kept so the reasons can quote the numbers.
type dispersion struct {
	n          int
	q1, q2, q3 float64 // quartiles by index, as RITA v4 picks them
	median     float64
	mad        float64 // median absolute deviation about the median
	skew       float64 // Bowley skew, 0 when RITA would not compute it
	skewScore  float64 // 1 − |skew|
	madScore   float64 // 1 − mad/median, or the default when median < 1
	score      float64 // mean of the two
}

// describe computes RITA's statistical score of a sample (formats.md §5.1
// calculateStatisticalScore): Bowley skew and MAD about the median.
// sorted must be ascending; scratch is reused for the deviations.
// defaultMAD is the MAD score used when the median is below 1 (RITA: 1 for
// intervals, 0 for sizes — a pair of empty sessions is not "regular data").
func describe(sorted []float64, defaultMAD float64, scratch []float64) (dispersion, []float64) {
	d := dispersion{n: len(sorted)}
	if d.n == 0 {
		return d, scratch
	}
	d.q1 = sorted[quartileIndex(0.25, d.n)]
	d.q2 = sorted[quartileIndex(0.5, d.n)]
	d.q3 = sorted[quartileIndex(0.75, d.n)]
	d.median = median(sorted)
	// RITA computes the skew only when the quartiles are spread (≥ 10
	// units) and the median is not at a quartile; otherwise the sample is
	// symmetric enough and the skew counts as 0.
	if den := d.q3 - d.q1; den >= 10 && d.q2 != d.q1 && d.q2 != d.q3 {
		d.skew = (d.q1 + d.q3 - 2*d.q2) / den
	}
	d.skewScore = clamp01(1 - math.Abs(d.skew))
	scratch = scratch[:0]
	for _, v := range sorted {
		scratch = append(scratch, math.Abs(v-d.median))
	}
	slices.Sort(scratch)
	d.mad = median(scratch)
	d.madScore = defaultMAD
	if d.median >= 1 {
		d.madScore = clamp01((d.median - d.mad) / d.median)
	}
	d.score = clamp01((d.skewScore + d.madScore) / 2)
	return d, scratch
}

// quartileIndex picks the index RITA v4 uses: round(p·(n−1)).
func quartileIndex(p float64, n int) int {
	i := int(math.Round(p * float64(n-1)))
	return min(max(i, 0), n-1)
}

// median of an ascending slice; 0 when empty.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return sorted[n/2-1]/2 + sorted[n/2]/2 // halves first: no overflow near MaxFloat64
}

// clamp01 keeps a score in [0,1] and maps NaN to 0, so no input can make a
// score leave its range.
func clamp01(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

// round3 rounds to three decimals, as RITA reports scores.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
