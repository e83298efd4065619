// Command shot renders one workbench screen from the fixtures to ANSI on
// stdout (TrueColor, dark background), for the screenshots: freeze turns
// the output into PNG. It needs no terminal and no store.
//
//	go run ./cmd/shot -screen netflow -w 120 -h 36 > screenshots/netflow.ansi
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/minertriage/minertriage/ui"
)

// screens maps a screen name to the keys that reach it from the queue.
var screens = map[string][]string{
	"queue":       nil,
	"help":        {"?"},
	"addresses":   {"enter", "1"},
	"application": {"enter", "2"},
	"netflow":     {"enter", "3"},
	"capture":     {"enter", "4"},
	"packets":     {"enter", "4", "l"},
	"strings":     {"enter", "4", "l", "l"},
	"stream":      {"enter", "4", "enter"},
	"stratum":     {"enter", "5", "j", "j"},
	"decision":    {"enter", "6", "space", "j", "j", "space"},
	"notes":       {"enter", "7"},
}

func main() {
	screen := flag.String("screen", "queue", "screen to render: "+strings.Join(names(), ", "))
	w := flag.Int("w", 120, "width in cells")
	h := flag.Int("h", 36, "height in lines")
	flag.Parse()
	keys, ok := screens[*screen]
	if !ok {
		fmt.Fprintf(os.Stderr, "shot: unknown screen %q (one of %s)\n", *screen, strings.Join(names(), ", "))
		os.Exit(2)
	}
	lipgloss.SetColorProfile(termenv.TrueColor)
	lipgloss.SetHasDarkBackground(true)
	svc := ui.NewFixtureService(40)
	m := ui.New(svc, ui.Options{Now: func() time.Time { return ui.FixtureNow }})
	msgs := []tea.Msg{tea.WindowSizeMsg{Width: *w, Height: *h}, m.Init()()}
	for _, k := range keys {
		msgs = append(msgs, ui.Key(k))
	}
	m = ui.Drive(m, 5*time.Second, msgs...)
	fmt.Println(m.View())
}

func names() []string {
	var n []string
	for k := range screens {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}
