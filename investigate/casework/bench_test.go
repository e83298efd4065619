package casework

import (
	"context"
	"testing"
)

// BenchmarkAnalyze measures one analysis of the clear-miner scenario (270
// flows, blast radius, a capture already analysed) through the in-memory
// repository: the cost the CLI and the workbench pay on opening an alert.
func BenchmarkAnalyze(b *testing.B) {
	sc := clearMiner()
	repo := newMemRepo()
	repo.addAlert(sc.alert)
	repo.flows = sc.flows
	s := NewService(repo, Options{Now: fixedNow})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Analyze(context.Background(), sc.alert.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderNotes measures rendering the markdown notes of the clear
// miner with its Stratum exchange and sparklines.
func BenchmarkRenderNotes(b *testing.B) {
	doc := notesFor(b, clearMiner(), Decision{Disposition: TruePositive, Cause: CausePublicApp})
	b.ReportAllocs()
	for b.Loop() {
		RenderNotes(doc)
	}
}

// BenchmarkAnalyzeColdCapture includes analysing a real miner capture
// (xmr-stak, 145 packets) each time: the first opening of an alert; later
// openings read the cached result.
func BenchmarkAnalyzeColdCapture(b *testing.B) {
	repo := newMemRepo()
	al := minerAlert("xmr-stak", "192.168.2.92", 55190, "178.32.196.217", 9050)
	repo.addAlert(al)
	withCapture(b, repo, al.ID, "peafowl_monero_xmr-stak-login_DUP.pcap")
	s := NewService(repo, Options{Now: fixedNow})
	b.ReportAllocs()
	for b.Loop() {
		clear(repo.cache)
		if _, err := s.Analyze(context.Background(), al.ID); err != nil {
			b.Fatal(err)
		}
	}
}
