package stratum

import (
	"math/rand"
	"strings"
	"testing"
	"time"
)

// ts is a fixed capture time plus n seconds.
func ts(n int) time.Time { return time.Date(2017, 12, 25, 10, 0, n, 0, time.UTC) }

// msg is one line of a scripted exchange: who sent it and its exact text.
type msg struct {
	dir  Direction
	text string
}

func c(s string) msg { return msg{FromClient, s + "\n"} }
func s(s string) msg { return msg{FromServer, s + "\n"} }

// chunker turns one direction's run of consecutive messages into the
// pieces Feed receives.
type chunker func(run string, r *rand.Rand) []string

var chunkers = map[string]chunker{
	// one Feed per message, as most pools write
	"per-message": nil,
	// every byte its own segment
	"bytewise": func(run string, _ *rand.Rand) []string { return strings.Split(run, "") },
	// consecutive messages of one side coalesced into one segment
	"coalesced": func(run string, _ *rand.Rand) []string { return []string{run} },
	// cut at random points, mid-line
	"random-split": func(run string, r *rand.Rand) []string {
		var out []string
		for len(run) > 0 {
			n := 1 + r.Intn(40)
			if n > len(run) {
				n = len(run)
			}
			out = append(out, run[:n])
			run = run[n:]
		}
		return out
	},
}

// play feeds the script into a fresh tracker with one chunking and returns
// the tracker. Each Feed is its own frame, numbered from 1.
func play(script []msg, how string) *Tracker {
	tr := NewTracker("192.168.2.92:55190", "178.32.196.217:9050")
	r := rand.New(rand.NewSource(int64(len(script))))
	frame := 0
	feed := func(d Direction, data string) {
		frame++
		tr.Feed(d, ts(frame), frame, []byte(data))
	}
	split := chunkers[how]
	for i := 0; i < len(script); {
		if split == nil {
			feed(script[i].dir, script[i].text)
			i++
			continue
		}
		j := i
		var run strings.Builder
		for j < len(script) && script[j].dir == script[i].dir {
			run.WriteString(script[j].text)
			j++
		}
		for _, piece := range split(run.String(), r) {
			feed(script[i].dir, piece)
		}
		i = j
	}
	return tr
}

// everyChunking runs check on the session the script yields under every
// chunking, so framing never changes what is reconstructed.
func everyChunking(t *testing.T, script []msg, check func(t *testing.T, s *Session)) {
	t.Helper()
	for how := range chunkers {
		t.Run(how, func(t *testing.T) { check(t, play(script, how).Session()) })
	}
}

// stepStates renders the four steps compactly: "login:O job:I submit:- result:-".
func stepStates(s *Session) string {
	var b strings.Builder
	for i, st := range s.Steps {
		if i > 0 {
			b.WriteByte(' ')
		}
		state := "-"
		if st.Observed {
			state = "O"
		} else if st.Inferred {
			state = "I"
		}
		b.WriteString(string(st.Step) + ":" + state)
	}
	return b.String()
}

func wantEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
