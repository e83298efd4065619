package ui

import (
	"fmt"
	"github.com/charmbracelet/bubbles/cursor"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
)

// firstLookTarget is the SOC's time-to-first-look target.
const firstLookTarget = 15 * time.Minute

// queueModel is the alert table. It renders only the visible window of
// rows, so a frame costs the same with 100 or 100,000 alerts.
type queueModel struct {
	c         *Common
	records   []casework.AlertRecord
	haystack  []string // lower-cased searchable text per record, built once
	stats     []casework.SignatureStats
	visible   []int // indices into records after filter and toggle
	cursor    int   // index into visible
	offset    int   // first visible row on screen
	filter    textinput.Model
	undecided bool
	loaded    bool
	open      int // undecided alerts, counted once per load
	decided   int
	width     int
	height    int
}

func newQueue(c *Common) queueModel {
	ti := textinput.New()
	ti.Cursor.SetMode(cursor.CursorStatic) // no blink timer: calmer, and deterministic views
	ti.Prompt = "/"
	ti.Placeholder = "filter on any field"
	ti.CharLimit = 200
	return queueModel{c: c, filter: ti}
}

// setSize implements the screen contract: the rows area shrinks by the
// header lines.
func (q *queueModel) setSize(w, h int) {
	q.width, q.height = w, h
	q.filter.Width = w - 4
	q.scrollToCursor()
}

// setRecords replaces the data, keeping the cursor on the same alert.
// recs are newest first and hay[i] is searchText(&recs[i]) (both made in
// loadQueueCmd, off the UI loop); a nil hay is built here.
func (q *queueModel) setRecords(recs []casework.AlertRecord, hay []string, stats []casework.SignatureStats) {
	keep := q.selectedID()
	if len(hay) != len(recs) {
		sortNewestFirst(recs)
		hay = make([]string, len(recs))
		for i := range recs {
			hay[i] = searchText(&recs[i])
		}
	}
	q.records, q.haystack, q.stats, q.loaded = recs, hay, stats, true
	q.open, q.decided = 0, 0
	for i := range recs {
		if recs[i].Disposition == "" {
			q.open++
		} else {
			q.decided++
		}
	}
	q.refilter()
	if keep != "" {
		for vi, ri := range q.visible {
			if q.records[ri].Alert.ID == keep {
				q.cursor = vi
				break
			}
		}
	}
	q.scrollToCursor()
}

// sortNewestFirst orders alerts newest first. The Service already does, so
// it only checks (moving 100,000 large records is not free).
func sortNewestFirst(recs []casework.AlertRecord) {
	newer := func(i, j int) bool { return recs[i].Alert.Time.After(recs[j].Alert.Time) }
	if !sort.SliceIsSorted(recs, newer) {
		sort.SliceStable(recs, newer)
	}
}

// searchText joins every field the filter looks at.
func searchText(r *casework.AlertRecord) string {
	a := &r.Alert
	parts := []string{a.ID, a.Time.UTC().Format(time.RFC3339), a.Src.String(), a.Dst.String(),
		strconv.Itoa(int(a.SrcPort)), strconv.Itoa(int(a.DstPort)), a.Threat, strconv.FormatInt(a.ThreatID, 10),
		a.App, a.Category, a.Severity, a.Action, a.URL, a.Rule, a.SrcUser, a.Device, string(r.Disposition)}
	return strings.ToLower(strings.Join(parts, "\x00"))
}

// refilter recomputes the visible rows.
func (q *queueModel) refilter() {
	needle := strings.ToLower(strings.TrimSpace(q.filter.Value()))
	q.visible = q.visible[:0]
	for i := range q.records {
		if q.undecided && q.records[i].Disposition != "" {
			continue
		}
		if needle != "" && !strings.Contains(q.haystack[i], needle) {
			continue
		}
		q.visible = append(q.visible, i)
	}
	q.cursor = clampInt(q.cursor, 0, len(q.visible)-1)
	q.scrollToCursor()
}

// selectedID is the alert under the cursor, "" when none.
func (q *queueModel) selectedID() string {
	if q.cursor < 0 || q.cursor >= len(q.visible) {
		return ""
	}
	return q.records[q.visible[q.cursor]].Alert.ID
}

// inputFocused reports whether the filter has the keys.
func (q *queueModel) inputFocused() bool { return q.filter.Focused() }

// rowsHeight is the number of table rows on screen.
func (q *queueModel) rowsHeight() int { return max(1, q.height-q.chromeHeight()) }

// chromeHeight is the header, stats and filter lines above the rows.
func (q *queueModel) chromeHeight() int { return 4 }

func (q *queueModel) scrollToCursor() {
	h := q.rowsHeight()
	if q.cursor < q.offset {
		q.offset = q.cursor
	}
	if q.cursor >= q.offset+h {
		q.offset = q.cursor - h + 1
	}
	q.offset = clampInt(q.offset, 0, max(0, len(q.visible)-h))
}

func (q *queueModel) move(d int) {
	q.cursor = clampInt(q.cursor+d, 0, len(q.visible)-1)
	q.scrollToCursor()
}

// openAlertMsg asks the root to open the case view for an alert.
type openAlertMsg struct{ id string }

// update handles queue keys; the root has already taken the global ones.
func (q queueModel) update(msg tea.Msg) (queueModel, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return q, nil
	}
	k := q.c.Keys
	if q.filter.Focused() {
		switch {
		case key.Matches(km, k.Cancel):
			q.filter.Reset()
			q.filter.Blur()
			q.refilter()
			return q, nil
		case key.Matches(km, k.Accept):
			q.filter.Blur()
			return q, nil
		}
		var cmd tea.Cmd
		q.filter, cmd = q.filter.Update(km)
		q.refilter()
		return q, cmd
	}
	switch {
	case key.Matches(km, k.Back):
		if q.filter.Value() != "" {
			q.filter.Reset()
			q.refilter()
		}
	case key.Matches(km, k.Up):
		q.move(-1)
	case key.Matches(km, k.Down):
		q.move(1)
	case key.Matches(km, k.PageUp):
		q.move(-q.rowsHeight())
	case key.Matches(km, k.PageDown):
		q.move(q.rowsHeight())
	case key.Matches(km, k.Top):
		q.move(-len(q.visible))
	case key.Matches(km, k.Bottom):
		q.move(len(q.visible))
	case key.Matches(km, k.Filter):
		return q, q.filter.Focus()
	case key.Matches(km, k.Undecided):
		q.undecided = !q.undecided
		q.refilter()
	case key.Matches(km, k.Open):
		if id := q.selectedID(); id != "" {
			return q, func() tea.Msg { return openAlertMsg{id: id} }
		}
	}
	return q, nil
}

// column is one queue column: a title, a width and how to draw a cell.
type column struct {
	title string
	w     int
	cell  func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style)
}

// columns picks the columns for the width: the threat column takes what is
// left; application, action and long spellings appear only when there is
// room.
func (q *queueModel) columns() []column {
	t := q.c.Theme
	wide, xwide := q.width >= 120, q.width >= 140
	timeFmt, timeW, ageW, pairW, sevW, evW, dispW := "01-02 15:04", 11, 4, 32, 4, 5, 9
	dispTitle, evTitle := "DECISION", "EVID"
	if wide {
		dispTitle, evTitle, evW = "DISPOSITION", "FLW/CAP", 7
		timeFmt, timeW, ageW, pairW, sevW, dispW = "01-02 15:04:05", 14, 5, 34, 8, 14
	}
	cols := []column{
		{"TIME", timeW, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) {
			return r.Alert.Time.UTC().Format(timeFmt), t.Row
		}},
		{"AGE", ageW, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) {
			age, late := q.age(r)
			if late {
				return age, t.Warn
			}
			return age, t.OK
		}},
		{"SRC → DST:PORT", pairW, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) {
			return endpoints(&r.Alert), t.Row
		}},
		{"THREAT", 0, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) { return r.Alert.Threat, t.Row }},
	}
	if wide {
		cols = append(cols, column{"APP", 9, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) { return r.Alert.App, t.Row }})
	}
	cols = append(cols, column{"SEV", sevW, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) {
		sev := r.Alert.Severity
		if !wide {
			sev = shortWord(sev)
		}
		return sev, t.Severity(r.Alert.Severity)
	}})
	if xwide {
		cols = append(cols, column{"ACTION", 10, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) { return r.Alert.Action, t.Row }})
	}
	cols = append(cols,
		column{evTitle, evW, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) {
			return fmt.Sprintf("%d/%d", r.Flows, r.Captures), t.Row
		}},
		column{dispTitle, dispW, func(q *queueModel, r *casework.AlertRecord) (string, lipgloss.Style) {
			if r.Disposition == "" {
				return "undecided", t.Faint
			}
			d := string(r.Disposition)
			if !wide {
				d = shortWord(d)
			}
			return d, t.Disposition(r.Disposition)
		}})
	used := len(cols) - 1 + 1 // separators and the cursor gutter
	for _, c := range cols {
		used += c.w
	}
	for i := range cols {
		if cols[i].w == 0 {
			cols[i].w = max(8, q.width-used)
		}
	}
	return cols
}

// View renders the header, the filter line and the visible rows.
func (q queueModel) View() string {
	t := q.c.Theme
	var b strings.Builder
	b.WriteString(q.headerLine() + "\n")
	b.WriteString(q.statsLine() + "\n")
	b.WriteString(q.filterLine() + "\n")
	cols := q.columns()
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = pad(c.title, c.w)
	}
	b.WriteString(t.Header.Render(pad(" "+strings.Join(titles, " "), q.width)))
	if !q.loaded {
		b.WriteString("\n" + t.Faint.Render("loading the queue…"))
		return b.String()
	}
	if len(q.visible) == 0 {
		msg := "no alerts: import evidence with `minertriage import FILE…`"
		if len(q.records) > 0 {
			msg = "no alert matches the filter (esc clears it, u toggles undecided only)"
		}
		b.WriteString("\n" + t.Faint.Render(msg))
		return b.String()
	}
	end := min(len(q.visible), q.offset+q.rowsHeight())
	for vi := q.offset; vi < end; vi++ {
		b.WriteString("\n" + q.row(&q.records[q.visible[vi]], vi == q.cursor, cols))
	}
	return b.String()
}

func (q *queueModel) headerLine() string {
	open, decided := q.open, q.decided
	t := q.c.Theme
	s := t.Title.Render("Alert queue") + t.Faint.Render(fmt.Sprintf("  %d open · %d decided · %d shown", open, decided, len(q.visible)))
	if q.undecided {
		s += t.Warn.Render("  [undecided only]")
	}
	return clip(s, q.width, 1)
}

// statsLine shows the true-positive rate per signature, busiest first.
func (q *queueModel) statsLine() string {
	t := q.c.Theme
	if len(q.stats) == 0 {
		return t.Faint.Render("TP rate: no decisions yet")
	}
	st := append([]casework.SignatureStats(nil), q.stats...)
	sort.SliceStable(st, func(i, j int) bool { return st[i].Alerts > st[j].Alerts })
	var parts []string
	for _, s := range st {
		name := ansiSafeCut(s.Threat, 40)
		// A rate over nothing decided would read as "0% true positives".
		rate := "TP –"
		if s.Decided > 0 {
			rate = fmt.Sprintf("TP %.0f%%", s.TPRate*100)
		}
		parts = append(parts, fmt.Sprintf("%s (%d): %d/%d decided, %s", name, s.ThreatID, s.Decided, s.Alerts, rate))
	}
	return clip(t.Faint.Render(strings.Join(parts, " · ")), q.width, 1)
}

// ansiSafeCut sanitises and shortens s to w cells.
func ansiSafeCut(s string, w int) string { return strings.TrimRight(fit(s, w), " ") }

func (q *queueModel) filterLine() string {
	t := q.c.Theme
	if q.filter.Focused() || q.filter.Value() != "" {
		return clip(q.filter.View(), q.width, 1)
	}
	return t.Faint.Render("/ filter · u undecided only · enter open")
}

// row renders one alert. A selected row is drawn as one plain segment with
// the selection style, so inner colours cannot cut the highlight short.
func (q *queueModel) row(r *casework.AlertRecord, sel bool, cols []column) string {
	t := q.c.Theme
	cells := make([]string, len(cols))
	for i, c := range cols {
		text, st := c.cell(q, r)
		cells[i] = fit(text, c.w)
		if !sel {
			cells[i] = st.Render(cells[i])
		}
	}
	// The "›" gutter marks the cursor without colour (NO_COLOR).
	if sel {
		return t.RowSelected.Render(pad("›"+strings.Join(cells, " "), q.width))
	}
	return clip(" "+strings.Join(cells, " "), q.width, 1)
}

// shortWord abbreviates severities and dispositions for narrow terminals.
func shortWord(s string) string {
	switch s {
	case "critical":
		return "crit"
	case "medium":
		return "med"
	case "informational":
		return "info"
	case string(casework.TruePositive):
		return "TP"
	case string(casework.FalsePositive):
		return "FP"
	case string(casework.NeedsInfo):
		return "need-info"
	}
	return s
}

// age is the time to first look when the alert was opened, else the time
// since it fired; late says whether it broke the 15-minute target.
func (q *queueModel) age(r *casework.AlertRecord) (string, bool) {
	end := q.c.now()
	if !r.FirstLook.IsZero() {
		end = r.FirstLook
	}
	d := end.Sub(r.Alert.Time)
	return shortDuration(d), d > firstLookTarget
}

// shortDuration writes d in at most 5 cells: 45s, 12m, 3h, 2d, 40w.
func shortDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	default:
		return fmt.Sprintf("%dw", int(d.Hours()/24/7))
	}
}

// endpoints writes src → dst:port.
func endpoints(a *alert.Alert) string {
	return a.Src.String() + " → " + hostPort(a.Dst.String(), a.DstPort)
}

// hostPort writes an address with its port, bracketing IPv6.
func hostPort(host string, port uint16) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(int(port))
	}
	return host + ":" + strconv.Itoa(int(port))
}
