package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// A queue frame over 100,000 alerts: a key moves the cursor, then View.
func BenchmarkQueueView100k(b *testing.B) {
	svc := NewFixtureService(100_000)
	m := New(svc, Options{Now: fixedNow, Plain: true})
	m = Drive(m, 10*time.Second, tea.WindowSizeMsg{Width: 140, Height: 45}, m.Init()())
	if len(m.queue.visible) != 100_000 {
		b.Fatalf("%d rows", len(m.queue.visible))
	}
	down := Key("j")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next, _ := m.Update(down)
		m = next.(Model)
		_ = m.View()
	}
}

// A keypress-to-frame on the netflow pane with 10,000 sessions charted.
func BenchmarkNetflowKeyFrame10k(b *testing.B) {
	svc := NewFixtureService(8)
	svc.SetAnalysis(FixtureAnalysis(10_000))
	m := New(svc, Options{Now: fixedNow, Plain: true})
	m = Drive(m, 10*time.Second, tea.WindowSizeMsg{Width: 140, Height: 45}, m.Init()())
	m = Drive(m, 10*time.Second, Key("enter"), Key("3"))
	if m.cs.netflow.pair == nil || len(m.cs.netflow.pair.Series) != 10_000 {
		b.Fatal("netflow pane not loaded")
	}
	ks := []tea.KeyMsg{Key("j"), Key("k")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next, _ := m.Update(ks[i%2])
		m = next.(Model)
		_ = m.View()
	}
}

// Drawing the netflow chart itself (on open and on resize) for 10,000
// sessions; this is off the keypress path.
func BenchmarkNetflowRebuild10k(b *testing.B) {
	c := &Common{Theme: DefaultTheme(), Keys: DefaultKeyMap()}
	a := FixtureAnalysis(10_000)
	p := netflowPane{c: c}
	p.set(a)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.width = 0
		p.setSize(140, 40)
	}
}

// Filtering 100,000 alerts on one keystroke.
func BenchmarkQueueFilter100k(b *testing.B) {
	m := New(NewFixtureService(100_000), Options{Now: fixedNow, Plain: true})
	m = Drive(m, 10*time.Second, tea.WindowSizeMsg{Width: 140, Height: 45}, m.Init()(), Key("/"))
	ks := []tea.KeyMsg{Key("x"), Key("backspace")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next, _ := m.Update(ks[i%2])
		m = next.(Model)
	}
}
