package casework

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDispositionAndCause(t *testing.T) {
	for _, d := range []string{"true-positive", "false-positive", "benign", "needs-info", " Benign "} {
		if _, err := ParseDisposition(d); err != nil {
			t.Errorf("ParseDisposition(%q): %v", d, err)
		}
	}
	_, err := ParseDisposition("maybe")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "true-positive, false-positive, benign, needs-info") {
		t.Errorf("bad disposition error = %v", err)
	}
	for _, c := range []string{"", "public-app-exploitation", "access-key-compromise", "phishing-or-usb", "insider", "unknown"} {
		if _, err := ParseCause(c); err != nil {
			t.Errorf("ParseCause(%q): %v", c, err)
		}
	}
	if _, err := ParseCause("aliens"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "public-app-exploitation") {
		t.Errorf("bad cause error = %v", err)
	}
}

func TestDefaultRemediationFollowsCause(t *testing.T) {
	acts := func(d Disposition, c Cause) []string {
		var out []string
		for _, it := range DefaultRemediation(d, c) {
			out = append(out, it.Action)
		}
		return out
	}
	tp := acts(TruePositive, CausePublicApp)
	for _, want := range []string{ActIsolate, ActKill, ActPatch, ActBlock, ActHunt} {
		if !slices.Contains(tp, want) {
			t.Errorf("TP/public-app lacks %q", want)
		}
	}
	if slices.Contains(tp, ActRotate) {
		t.Errorf("TP/public-app should not rotate keys")
	}
	ak := acts(TruePositive, CauseAccessKey)
	if !slices.Contains(ak, ActRotate) || slices.Contains(ak, ActPatch) || !strings.Contains(ActRotate, "AKIA") {
		t.Errorf("TP/access-key = %q", ak)
	}
	if got := acts(FalsePositive, ""); len(got) != 1 || got[0] != ActTune {
		t.Errorf("FP = %q", got)
	}
	if got := acts(Benign, ""); slices.Contains(got, ActIsolate) {
		t.Errorf("benign must not isolate: %q", got)
	}
}

func TestDecideAppendsAndNeverOverwrites(t *testing.T) {
	sc := clearMiner()
	s, repo, _ := sc.analyse(t)
	d1, err := s.Decide(Decision{AlertID: sc.alert.ID, Disposition: "needs-info", Note: "waiting for the PCAP"})
	if err != nil {
		t.Fatal(err)
	}
	if d1.Seq != 1 || d1.Analyst != "alice" || !d1.Time.Equal(fixedNow()) || len(d1.Remediation) != 1 {
		t.Errorf("first decision = %+v", d1)
	}
	d2, err := s.Decide(Decision{AlertID: sc.alert.ID, Disposition: TruePositive, Cause: CauseAccessKey, Analyst: "bob", Time: fixedNow().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	hist, _ := s.History(sc.alert.ID)
	if len(hist) != 2 || hist[0].Disposition != NeedsInfo || hist[0].Note != "waiting for the PCAP" || hist[1].Seq != 2 || hist[1].Analyst != "bob" {
		t.Fatalf("history = %+v", hist)
	}
	if d2.Remediation[2].Action != ActRotate {
		t.Errorf("TP/access-key checklist = %+v", d2.Remediation)
	}
	if _, err := s.Decide(Decision{AlertID: sc.alert.ID, Disposition: "bogus"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bogus disposition: %v", err)
	}
	if _, err := s.Decide(Decision{AlertID: "nope", Disposition: TruePositive}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown alert: %v", err)
	}
	if n := len(repo.decisions[sc.alert.ID]); n != 2 {
		t.Errorf("%d decisions stored after a rejected one, want 2", n)
	}
	// The analysis reports the timing: first decision 6 minutes after the alert.
	a, err := s.Analyze(t.Context(), sc.alert.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Timing.ToDecision != 360 || len(a.Decisions) != 2 {
		t.Errorf("timing = %+v, decisions %d", a.Timing, len(a.Decisions))
	}
}

func TestStatsPerSignature(t *testing.T) {
	repo := newMemRepo()
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		al := minerAlert(id, "10.0.0.1", 50000, "45.9.148.21", 80)
		if i == 4 {
			al.Threat, al.ThreatID = "CoinMiner Command and Control Traffic", 86331
		}
		repo.addAlert(al)
	}
	s := NewService(repo, Options{Now: fixedNow, Analyst: "alice"})
	for id, d := range map[string]Disposition{"a": TruePositive, "b": FalsePositive, "c": TruePositive} {
		if _, err := s.Decide(Decision{AlertID: id, Disposition: d}); err != nil {
			t.Fatal(err)
		}
	}
	// A change of mind counts by the latest decision.
	if _, err := s.Decide(Decision{AlertID: "c", Disposition: Benign}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[0].ThreatID != 85886 || st[0].Alerts != 4 || st[0].Decided != 3 || st[0].TruePositives != 1 {
		t.Fatalf("stats = %+v", st)
	}
	if st[0].TPRate < 0.333 || st[0].TPRate > 0.334 || st[0].MedianToDecision != 360 {
		t.Errorf("rate %v, median %v", st[0].TPRate, st[0].MedianToDecision)
	}
	if st[1].Alerts != 1 || st[1].Decided != 0 || st[1].TPRate != 0 {
		t.Errorf("second signature = %+v", st[1])
	}
}
