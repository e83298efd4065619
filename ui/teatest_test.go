package ui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/minertriage/minertriage/investigate/casework"
)

func waitText(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// A real Program: open the first alert, go to the Stratum step, record a
// true positive with a note, go back and quit.
func TestFlowDecideTruePositive(t *testing.T) {
	svc := NewFixtureService(8)
	m := New(svc, Options{Now: fixedNow, WorkDir: t.TempDir(), Plain: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 36))
	waitText(t, tm, "pan-0000"[:0]+"Alert queue")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "SUPPORTS")
	tm.Type("5")
	waitText(t, tm, "Selected message")
	tm.Type("t")
	waitText(t, tm, "note (enter records")
	tm.Type("miner found")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "recorded true-positive")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	waitText(t, tm, "Alert queue")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	h, _ := svc.History("pan-0000")
	if len(h) != 1 || h[0].Disposition != casework.TruePositive || h[0].Note != "miner found" {
		t.Fatalf("history %+v", h)
	}
	fm := tm.FinalModel(t).(Model)
	if fm.screen != queueScreen || fm.queue.records[0].Disposition != casework.TruePositive {
		t.Errorf("queue not refreshed after the decision")
	}
}

// Filter the queue, toggle help, and quit with ctrl+c.
func TestFlowFilterHelpQuit(t *testing.T) {
	m := New(NewFixtureService(40), Options{Now: fixedNow, Plain: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	waitText(t, tm, "Alert queue")
	tm.Type("/fd00")
	waitText(t, tm, "5 shown")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Type("?")
	waitText(t, tm, "undecided only")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	fm := tm.FinalModel(t).(Model)
	if len(fm.queue.visible) != 5 || !fm.help.ShowAll {
		t.Errorf("visible %d, help %v", len(fm.queue.visible), fm.help.ShowAll)
	}
}
