package flow

import (
	"time"
)

// MaxBuckets bounds what Buckets returns: a chart never needs more, and a
// tiny width over years of data must not allocate gigabytes.
const MaxBuckets = 100_000

// Bucket is one interval of a connections-per-interval chart.
type Bucket struct {
	Start         time.Time `json:"start"`
	Sessions      int       `json:"sessions"` // sessions that started in [Start, Start+width)
	BytesSent     uint64    `json:"bytes_sent"`
	BytesReceived uint64    `json:"bytes_received"`
}

// Buckets counts the points per interval of width, from the interval
// holding the first point to the one holding the last, empty intervals
// included (a chart needs its zeros). Intervals are aligned to multiples of
// width since the Unix epoch (UTC), so two pairs bucketed alike line up.
// points must be in start order, as Pair.Series is. When the span would
// need more than MaxBuckets intervals, width is doubled until it fits; the
// width used is returned. A thinned series (len(Series) < Sessions) gives
// thinned counts: pass AnalyzePair's series with a large enough
// Options.SeriesCap for exact counts.
func Buckets(points []Point, width time.Duration) ([]Bucket, time.Duration) {
	if len(points) == 0 || width <= 0 {
		return nil, width
	}
	first, last := points[0].Start, points[0].Start
	for _, p := range points {
		if p.Start.Before(first) {
			first = p.Start
		}
		if p.Start.After(last) {
			last = p.Start
		}
	}
	for width < time.Duration(1<<62) && last.Sub(first)/width >= MaxBuckets {
		width *= 2
	}
	origin := first.Truncate(width).UTC()
	n := int(last.Sub(origin)/width) + 1
	out := make([]Bucket, n)
	for i := range out {
		out[i].Start = origin.Add(time.Duration(i) * width)
	}
	for _, p := range points {
		i := int(p.Start.Sub(origin) / width)
		i = min(max(i, 0), n-1)
		out[i].Sessions++
		out[i].BytesSent = satAdd(out[i].BytesSent, p.BytesSent)
		out[i].BytesReceived = satAdd(out[i].BytesReceived, p.BytesReceived)
	}
	return out, width
}
