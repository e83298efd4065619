package ui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/linechart/timeserieslinechart"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
)

// netflowPane draws the pair's sessions over time, the score with its
// parts and reasons, and the blast radius. The chart is drawn once per
// analysis and size and cached, so a keypress only re-slices lines.
type netflowPane struct {
	c      *Common
	pair   *flow.Pair
	blast  []flow.Pair
	width  int
	height int
	lines  []string // cached content
	scroll int
}

func (p *netflowPane) set(a *casework.Analysis) {
	p.pair, p.blast = a.Pair, a.BlastRadius
	p.rebuild()
}

func (p *netflowPane) setSize(w, h int) {
	if w == p.width && h == p.height {
		return
	}
	p.width, p.height = w, h
	p.rebuild()
}

// scrollKey moves the window over the cached lines.
func (p *netflowPane) scrollKey(km tea.KeyMsg) {
	p.scroll = scrollBy(p.c.Keys, km, p.scroll, len(p.lines), p.height)
}

// View implements the pane contract.
func (p netflowPane) View() string {
	off := clampInt(p.scroll, 0, max(0, len(p.lines)-p.height))
	end := min(len(p.lines), off+p.height)
	return strings.Join(p.lines[off:end], "\n")
}

// rebuild renders the chart and the tables for the current size.
func (p *netflowPane) rebuild() {
	t := p.c.Theme
	p.lines = p.lines[:0]
	if p.width <= 0 {
		return
	}
	if p.pair == nil {
		p.lines = append(p.lines, t.Faint.Render("no flows between these hosts: import firewall traffic logs, Zeek conn.log,"),
			t.Faint.Render("nfdump CSV or Suricata EVE flow records covering the alert's time."))
		p.lines = append(p.lines, p.blastLines()...)
		return
	}
	pr := p.pair
	p.lines = append(p.lines, fmt.Sprintf("%s %s   %s %d   %s %s   %s",
		t.Label.Render("score"), scoreStyle(t, pr.Score).Render(fmt.Sprintf("%.2f", pr.Score)),
		t.Label.Render("sessions"), pr.Sessions,
		t.Label.Render("verdict"), t.Text.Render(safe(string(pr.Verdict))),
		t.Faint.Render(pr.First.UTC().Format("01-02 15:04:05")+" → "+pr.Last.UTC().Format("01-02 15:04:05")+" · ports "+ports(pr.DstPorts))))
	p.lines = append(p.lines, t.Faint.Render(fmt.Sprintf("sent %s · received %s · interval median %.0f s · size median %s · longest %s",
		humanBytes(float64(pr.BytesSent)), humanBytes(float64(pr.BytesReceived)), pr.IntervalMedian,
		humanBytes(pr.SizeMedian), (time.Duration(pr.LongSession)*time.Second).String())))
	// The two summary lines wrap rather than lose their ends at 80 columns.
	for _, i := range []int{len(p.lines) - 1, len(p.lines) - 2} {
		wrapped := strings.Split(ansi.Wrap(p.lines[i], p.width, " "), "\n")
		p.lines = append(p.lines[:i], append(wrapped, p.lines[i+1:]...)...)
	}
	p.lines = append(p.lines, t.Header.Render("Bytes per session over time")+t.Faint.Render(fmt.Sprintf(" (%d sessions drawn)", len(pr.Series))))
	chartH := clampInt(p.height/2, 6, 14)
	chart, gw := p.chart(chartH)
	p.lines = append(p.lines, strings.Split(chart, "\n")...)
	p.lines = append(p.lines, p.startsStrip(gw))
	p.lines = append(p.lines, "", t.Header.Render("Score parts"))
	pt := pr.Parts
	for _, part := range []struct {
		name string
		v    float64
	}{{"interval", pt.Interval}, {"size", pt.Size}, {"histogram", pt.Histogram}, {"duration", pt.Duration},
		{"beacon", pt.Beacon}, {"long session", pt.LongSession}, {"retry burst", pt.RetryBurst}} {
		p.lines = append(p.lines, t.Label.Render(pad(part.name, 14))+bar(t, part.v, 20)+fmt.Sprintf(" %.2f", part.v))
	}
	for _, r := range pt.Reasons {
		p.lines = append(p.lines, wrapLines("• "+r, p.width, "  ")...)
	}
	p.lines = append(p.lines, p.blastLines()...)
}

// chart draws bytes per session with ntcharts' Draw (arc runes; braille
// has no glyphs in the screenshot font). It returns the graph width so the
// connection strip lines up under it.
func (p *netflowPane) chart(h int) (string, int) {
	t := p.c.Theme
	pr := p.pair
	first, last := pr.First, pr.Last
	if len(pr.Series) > 0 {
		first, last = pr.Series[0].Start, pr.Series[len(pr.Series)-1].Start
	}
	if !last.After(first) {
		last = first.Add(time.Minute)
	}
	maxY := 1.0
	for _, s := range pr.Series {
		maxY = math.Max(maxY, float64(s.BytesSent+s.BytesReceived))
	}
	xfmt := timeserieslinechart.HourTimeLabelFormatter()
	if last.Sub(first) > 24*time.Hour {
		xfmt = func(_ int, v float64) string { return time.Unix(int64(v), 0).UTC().Format("01-02 15h") }
	}
	w := max(20, p.width-2)
	c := timeserieslinechart.New(w, h,
		timeserieslinechart.WithTimeRange(first, last),
		timeserieslinechart.WithYRange(0, maxY*1.05),
		timeserieslinechart.WithXLabelFormatter(xfmt),
		timeserieslinechart.WithYLabelFormatter(func(_ int, v float64) string { return humanBytes(v) }),
		timeserieslinechart.WithXYSteps(max(1, w/24), 2),
		timeserieslinechart.WithAxesStyles(t.ChartAxis, t.ChartLabel),
		timeserieslinechart.WithStyle(t.ChartLine),
	)
	for _, s := range pr.Series {
		c.Push(timeserieslinechart.TimePoint{Time: s.Start, Value: float64(s.BytesSent + s.BytesReceived)})
	}
	c.Draw()
	return c.View(), c.GraphWidth()
}

// startsStrip shows when connections were opened: one cell per chart
// column, taller blocks for more connection starts.
func (p *netflowPane) startsStrip(gw int) string {
	t := p.c.Theme
	pr := p.pair
	if gw <= 0 || len(pr.Series) == 0 {
		return ""
	}
	first, last := pr.Series[0].Start, pr.Series[len(pr.Series)-1].Start
	span := last.Sub(first)
	counts := make([]int, gw)
	peak := 0
	for _, s := range pr.Series {
		i := 0
		if span > 0 {
			i = int(float64(s.Start.Sub(first)) / float64(span) * float64(gw-1))
		}
		i = clampInt(i, 0, gw-1)
		counts[i]++
		peak = max(peak, counts[i])
	}
	blocks := []rune(" ▁▂▃▄▅▆▇█")
	var b strings.Builder
	for _, n := range counts {
		lvl := 0
		if n > 0 {
			lvl = 1 + (n-1)*7/max(1, peak-1)
			if peak == 1 {
				lvl = 8
			}
		}
		b.WriteRune(blocks[clampInt(lvl, 0, 8)])
	}
	// Under the graph, with the label in the Y axis' columns.
	axis := max(0, p.width-2-gw)
	return t.Faint.Render(pad("starts", axis)) + t.ChartAlt.Render(b.String())
}

// blastLines lists other internal hosts reaching the same destination.
func (p *netflowPane) blastLines() []string {
	t := p.c.Theme
	lines := []string{"", t.Header.Render("Blast radius") + t.Faint.Render(" (other internal hosts to the same destination)")}
	if len(p.blast) == 0 {
		return append(lines, t.Faint.Render("none seen in the stored flows"))
	}
	lines = append(lines, t.Label.Render(fmt.Sprintf("%-40s %8s %10s %6s %s", "SOURCE", "SESSIONS", "BYTES", "SCORE", "VERDICT")))
	for i, b := range p.blast {
		if i == 50 {
			lines = append(lines, t.Faint.Render(fmt.Sprintf("… and %d more", len(p.blast)-i)))
			break
		}
		lines = append(lines, fmt.Sprintf("%-40s %8d %10s %s %s", fit(b.Src.String(), 40), b.Sessions,
			humanBytes(float64(b.BytesSent+b.BytesReceived)), scoreStyle(t, b.Score).Render(fmt.Sprintf("%6.2f", b.Score)), safe(string(b.Verdict))))
	}
	return lines
}

// bar is a small horizontal gauge for a value in [0,1].
func bar(t *Theme, v float64, w int) string {
	n := clampInt(int(math.Round(v*float64(w))), 0, w)
	return t.BarFull.Render(strings.Repeat("█", n)) + t.BarEmpty.Render(strings.Repeat("░", w-n))
}

func scoreStyle(t *Theme, v float64) lipglossStyle {
	switch {
	case v >= 0.8:
		return t.Err
	case v >= 0.5:
		return t.Warn
	}
	return t.OK
}

// humanBytes writes a byte count in at most 6 cells.
func humanBytes(v float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	i := 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f%s", v, units[i])
	}
	return fmt.Sprintf("%.1f%s", v, units[i])
}

func ports(ps []uint16) string {
	var s []string
	for _, p := range ps {
		s = append(s, fmt.Sprint(p))
	}
	return strings.Join(s, ",")
}
