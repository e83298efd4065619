package ui

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/minertriage/minertriage/investigate/casework"
)

// Theme holds every style of the workbench under a semantic name. It is the
// only file that names colours: screens ask for Theme.Warn, never for a hex
// value. Colours are hex AdaptiveColors (ANSI indices 0–7 lose their
// backgrounds in screenshots, STYLE §3) and no style relies on Reverse.
type Theme struct {
	App          lipgloss.Style
	Title        lipgloss.Style
	TitleBar     lipgloss.Style
	Faint        lipgloss.Style
	Text         lipgloss.Style
	Label        lipgloss.Style
	Header       lipgloss.Style
	Row          lipgloss.Style
	RowSelected  lipgloss.Style
	RowDim       lipgloss.Style
	OK           lipgloss.Style
	Warn         lipgloss.Style
	Err          lipgloss.Style
	SevCritical  lipgloss.Style
	SevHigh      lipgloss.Style
	SevMedium    lipgloss.Style
	SevLow       lipgloss.Style
	Tab          lipgloss.Style
	TabActive    lipgloss.Style
	Pane         lipgloss.Style
	BadgeSupport lipgloss.Style
	BadgeAgainst lipgloss.Style
	BadgeNeutral lipgloss.Style
	BadgeMissing lipgloss.Style
	Client       lipgloss.Style
	Server       lipgloss.Style
	ChartLine    lipgloss.Style
	ChartAlt     lipgloss.Style
	ChartAxis    lipgloss.Style
	ChartLabel   lipgloss.Style
	Match        lipgloss.Style
	Status       lipgloss.Style
	BarFull      lipgloss.Style
	BarEmpty     lipgloss.Style
	HelpKey      lipgloss.Style
	HelpDesc     lipgloss.Style
	HelpSep      lipgloss.Style
	Prompt       lipgloss.Style
}

// palette: a small set of adaptive colours (light, dark).
var (
	cFg      = lipgloss.AdaptiveColor{Light: "#1F2328", Dark: "#E6EDF3"}
	cSubtle  = lipgloss.AdaptiveColor{Light: "#6E7781", Dark: "#8B949E"}
	cAccent  = lipgloss.AdaptiveColor{Light: "#0969DA", Dark: "#58A6FF"}
	cSelBg   = lipgloss.AdaptiveColor{Light: "#DDF4FF", Dark: "#1F3A5F"}
	cSelFg   = lipgloss.AdaptiveColor{Light: "#0A3069", Dark: "#FFFFFF"}
	cBarBg   = lipgloss.AdaptiveColor{Light: "#EAEEF2", Dark: "#21262D"}
	cGreen   = lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#3FB950"}
	cYellow  = lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#D29922"}
	cRed     = lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F85149"}
	cOrange  = lipgloss.AdaptiveColor{Light: "#BC4C00", Dark: "#F0883E"}
	cPurple  = lipgloss.AdaptiveColor{Light: "#8250DF", Dark: "#BC8CFF"}
	cCyan    = lipgloss.AdaptiveColor{Light: "#1B7C83", Dark: "#39C5CF"}
	cBadgeFg = lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#0D1117"}
	cGrey    = lipgloss.AdaptiveColor{Light: "#57606A", Dark: "#6E7681"}
)

// DefaultTheme builds the workbench styles from the palette.
func DefaultTheme() *Theme {
	s := lipgloss.NewStyle
	badge := func(bg lipgloss.AdaptiveColor) lipgloss.Style {
		return s().Foreground(cBadgeFg).Background(bg).Bold(true).Padding(0, 1)
	}
	return &Theme{
		App:          s(),
		Title:        s().Foreground(cAccent).Bold(true),
		TitleBar:     s().Foreground(cFg).Background(cBarBg),
		Faint:        s().Foreground(cSubtle),
		Text:         s().Foreground(cFg),
		Label:        s().Foreground(cSubtle),
		Header:       s().Foreground(cAccent).Bold(true),
		Row:          s().Foreground(cFg),
		RowSelected:  s().Foreground(cSelFg).Background(cSelBg).Bold(true),
		RowDim:       s().Foreground(cSubtle),
		OK:           s().Foreground(cGreen),
		Warn:         s().Foreground(cOrange),
		Err:          s().Foreground(cRed).Bold(true),
		SevCritical:  s().Foreground(cRed).Bold(true),
		SevHigh:      s().Foreground(cOrange),
		SevMedium:    s().Foreground(cYellow),
		SevLow:       s().Foreground(cSubtle),
		Tab:          s().Foreground(cSubtle).Padding(0, 1),
		TabActive:    s().Foreground(cSelFg).Background(cSelBg).Bold(true).Padding(0, 1),
		Pane:         s().Border(lipgloss.RoundedBorder()).BorderForeground(cGrey).Padding(0, 1),
		BadgeSupport: badge(cRed),
		BadgeAgainst: badge(cGreen),
		BadgeNeutral: badge(cYellow),
		BadgeMissing: badge(cGrey),
		Client:       s().Foreground(cCyan),
		Server:       s().Foreground(cPurple),
		ChartLine:    s().Foreground(cAccent),
		ChartAlt:     s().Foreground(cOrange),
		ChartAxis:    s().Foreground(cGrey),
		ChartLabel:   s().Foreground(cSubtle),
		Match:        s().Foreground(cBadgeFg).Background(cYellow),
		Status:       s().Foreground(cFg),
		BarFull:      s().Foreground(cAccent),
		BarEmpty:     s().Foreground(cGrey),
		HelpKey:      s().Foreground(cAccent),
		HelpDesc:     s().Foreground(cSubtle),
		HelpSep:      s().Foreground(cGrey),
		Prompt:       s().Foreground(cAccent).Bold(true),
	}
}

// Badge returns the coloured badge for a finding's status. Red means the
// evidence supports mining (bad news for the host), green that it argues
// against.
func (t *Theme) Badge(st casework.Status) string {
	switch st {
	case casework.StatusSupports:
		return t.BadgeSupport.Render("SUPPORTS")
	case casework.StatusAgainst:
		return t.BadgeAgainst.Render("AGAINST")
	case casework.StatusNeutral:
		return t.BadgeNeutral.Render("NEUTRAL")
	default:
		return t.BadgeMissing.Render("MISSING")
	}
}

// Severity returns the style for an alert severity.
func (t *Theme) Severity(sev string) lipgloss.Style {
	switch sev {
	case "critical":
		return t.SevCritical
	case "high":
		return t.SevHigh
	case "medium":
		return t.SevMedium
	default:
		return t.SevLow
	}
}

// Disposition returns the style for a recorded disposition.
func (t *Theme) Disposition(d casework.Disposition) lipgloss.Style {
	switch d {
	case casework.TruePositive:
		return t.Err
	case casework.FalsePositive, casework.Benign:
		return t.OK
	case casework.NeedsInfo:
		return t.Warn
	default:
		return t.Faint
	}
}

// lipglossStyle is a short name for helpers that return a style.
type lipglossStyle = lipgloss.Style
