package casework

import (
	"strings"
	"time"

	"github.com/minertriage/minertriage/investigate/flow"
)

// sparkRunes are the eight bar heights of a text sparkline.
var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// spark draws values scaled to the largest; zero is a space so gaps show.
func spark(vals []float64) string {
	hi := 0.0
	for _, v := range vals {
		hi = max(hi, v)
	}
	if hi == 0 {
		return ""
	}
	var b strings.Builder
	for _, v := range vals {
		if v <= 0 {
			b.WriteRune(' ')
			continue
		}
		i := int(v / hi * float64(len(sparkRunes)-1))
		b.WriteRune(sparkRunes[min(i, len(sparkRunes)-1)])
	}
	return b.String()
}

// connectionSpark counts session starts in up to cols equal intervals over
// the series' span and draws them; it returns the interval width.
func connectionSpark(series []flow.Point, cols int) (string, time.Duration) {
	if len(series) < 2 {
		return "", 0
	}
	first, last := series[0].Start, series[len(series)-1].Start
	span := last.Sub(first)
	if span <= 0 {
		return "", 0
	}
	width := (span + time.Duration(cols) - 1) / time.Duration(cols)
	width = max(width, time.Second).Round(time.Second)
	n := min(int(span/width)+1, cols)
	counts := make([]float64, n)
	for _, p := range series {
		i := min(int(p.Start.Sub(first)/width), n-1)
		counts[max(i, 0)]++
	}
	return spark(counts), width
}

// sizeSpark draws the bytes of each session (thinned evenly to cols).
func sizeSpark(series []flow.Point, cols int) string {
	if len(series) == 0 {
		return ""
	}
	n := min(len(series), cols)
	vals := make([]float64, n)
	for i := range n {
		p := series[i*len(series)/n]
		vals[i] = float64(p.BytesSent + p.BytesReceived)
	}
	return spark(vals)
}
